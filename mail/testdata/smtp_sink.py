#!/usr/bin/python3
"""A real SMTP server for the desk's outgoing mail tests: Debian's
python3-aiosmtpd, writing each message it accepts to DIR/N.eml.

usage: smtp_sink.py HOST PORT DIR [--tempfail N] [--reject]
  --tempfail N  answer the first N messages' DATA with 451 (a relay that
                is busy, or greylisting): the desk must retry
  --reject      answer every RCPT with 550: the desk must give up
Prints "ready" once it listens.
"""
import asyncio
import os
import sys

from aiosmtpd.controller import Controller

host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tempfail = int(sys.argv[sys.argv.index("--tempfail") + 1]) if "--tempfail" in sys.argv else 0
reject = "--reject" in sys.argv


class Sink:
    def __init__(self):
        self.seen = 0
        self.saved = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen <= tempfail:
            return "451 4.3.0 Try again later"
        self.saved += 1
        path = os.path.join(out, "%d.eml" % self.saved)
        with open(path + ".tmp", "wb") as f:
            f.write(("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n" % (envelope.mail_from, ",".join(envelope.rcpt_tos))).encode())
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 Stored"


controller = Controller(Sink(), hostname=host, port=port)
controller.start()
print("ready", flush=True)
try:
    asyncio.get_event_loop().run_forever()
except KeyboardInterrupt:
    pass
finally:
    controller.stop()
