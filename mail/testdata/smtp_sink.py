#!/usr/bin/python3
"""A real SMTP server for the desk's outgoing mail tests: Debian's
python3-aiosmtpd, writing each message it accepts to DIR/N.eml.

usage: smtp_sink.py HOST PORT DIR [--tempfail N] [--reject] [--auth USER:PASS] [--tls CERT KEY]
  --tempfail N   answer the first N messages' DATA with 451 (a relay that
                 is busy, or greylisting): the desk must retry
  --reject       answer every RCPT with 550: the desk must give up
  --auth U:P     require AUTH with this user and password
  --tls CERT KEY offer STARTTLS with this certificate and require it
Prints "ready" once it listens.
"""
import asyncio
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tempfail = int(sys.argv[sys.argv.index("--tempfail") + 1]) if "--tempfail" in sys.argv else 0
reject = "--reject" in sys.argv
auth = sys.argv[sys.argv.index("--auth") + 1] if "--auth" in sys.argv else ""
tls = sys.argv[sys.argv.index("--tls") + 1:sys.argv.index("--tls") + 3] if "--tls" in sys.argv else []


def authenticator(server, session, envelope, mechanism, auth_data):
    user, _, password = auth.partition(":")
    ok = auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok)


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


kwargs = {}
if auth:
    kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(tls))
if tls:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(tls[0], tls[1])
    kwargs.update(tls_context=ctx, require_starttls=True)
controller = Controller(Sink(), hostname=host, port=port, **kwargs)
controller.start()
print("ready", flush=True)
try:
    asyncio.get_event_loop().run_forever()
except KeyboardInterrupt:
    pass
finally:
    controller.stop()
