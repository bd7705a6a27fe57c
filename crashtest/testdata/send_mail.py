#!/usr/bin/env python3
"""Sends mail to vocdesk's SMTP intake with Python's own email and smtplib:
a client that is not Go's, writing Korean mail the way Python does.

usage: send_mail.py HOST PORT first        the opening messages
       send_mail.py HOST PORT reply ID     the customer's reply to inquiry ID
Prints one JSON object per message: {"name", "code", "error"}.
"""
import json
import smtplib
import sys
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.header import Header

host, port, step = sys.argv[1], int(sys.argv[2]), sys.argv[3]

# The smallest valid PNG: a 1x1 transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63640000000500016a0f2d0c000000"
    "0049454e44ae426082")


def send(name, msg, rcpts, sender):
    out = {"name": name, "code": 250, "error": ""}
    try:
        with smtplib.SMTP(host, port, local_hostname="client.test", timeout=30) as s:
            s.send_message(msg, from_addr=sender, to_addrs=rcpts)
    except smtplib.SMTPRecipientsRefused as e:
        code, text = list(e.recipients.values())[0]
        out["code"], out["error"] = code, text.decode(errors="replace")
    except smtplib.SMTPResponseException as e:
        out["code"], out["error"] = e.smtp_code, e.smtp_error.decode(errors="replace")
    print(json.dumps(out), flush=True)


def customer_mail():
    m = EmailMessage()
    m["From"] = "김민수 <minsu@example.kr>"
    m["To"] = "acme@desk.test"
    m["Subject"] = "환불 요청드립니다 (TX-E2E-0001)"
    m["Message-ID"] = "<first@example.kr>"
    m.set_content("안녕하세요. TX-E2E-0001 결제 건의 아이템이 지급되지 않았습니다.\n확인 부탁드립니다.\n", charset="euc-kr")
    m.add_attachment(PNG, maintype="image", subtype="png", filename="스크린샷.png")
    return m


def stranger_mail():
    # ISO-2022-KR, as old Unix mailers wrote Korean, from someone with no
    # store account; Python encodes the subject as an RFC 2047 word.
    m = MIMEText("앱이 자꾸 튕겨요. 도와주세요.\n", "plain", "iso-2022-kr")
    m["From"] = "guest@example.net"
    m["To"] = "acme@desk.test"
    m["Subject"] = Header("앱 오류 문의", "iso-2022-kr").encode()
    m["Message-ID"] = "<stranger@example.net>"
    return m


if step == "first":
    send("customer", customer_mail(), ["acme@desk.test"], "minsu@example.kr")
    send("stranger", stranger_mail(), ["acme@desk.test"], "guest@example.net")
    send("again", customer_mail(), ["acme@desk.test"], "minsu@example.kr")
    auto = EmailMessage()
    auto["From"] = "minsu@example.kr"
    auto["To"] = "acme@desk.test"
    auto["Subject"] = "부재중 자동 응답"
    auto["Auto-Submitted"] = "auto-replied"
    auto.set_content("휴가 중입니다.\n")
    send("auto_reply", auto, ["acme@desk.test"], "")
    unknown = EmailMessage()
    unknown["From"] = "minsu@example.kr"
    unknown["Subject"] = "hello"
    unknown.set_content("hi\n")
    send("unknown_recipient", unknown, ["nobody@desk.test"], "minsu@example.kr")
    big = EmailMessage()
    big["From"] = "minsu@example.kr"
    big["Subject"] = "big"
    big.set_content("x\n")
    big.add_attachment(b"\0" * 300000, maintype="application", subtype="octet-stream", filename="big.bin")
    send("too_big", big, ["acme@desk.test"], "minsu@example.kr")
elif step == "reply":
    inquiry = sys.argv[4]
    m = EmailMessage()
    m["From"] = "minsu@example.kr"
    m["To"] = "acme+i%s@desk.test" % inquiry
    m["Subject"] = "Re: 환불 요청드립니다 (TX-E2E-0001)"
    m["In-Reply-To"] = "<first@example.kr>"
    m["References"] = "<first@example.kr>"
    m["Message-ID"] = "<second@example.kr>"
    m.set_content("아직 지급되지 않았어요.\n")
    m.add_alternative("<p>아직 <b>지급되지</b> 않았어요.</p>", subtype="html")
    send("reply", m, ["acme+i%s@desk.test" % inquiry], "minsu@example.kr")
    # The same reply address and threading headers from a stranger.
    m.replace_header("From", "guest@example.net")
    m.replace_header("Message-ID", "<forged@example.net>")
    send("stranger_reply", m, ["acme+i%s@desk.test" % inquiry], "guest@example.net")
