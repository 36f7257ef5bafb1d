"""A real SMTP server with TLS and AUTH for the mail tests (tests/api/mail_tls.rs).

aiosmtpd (from PyPI) on 127.0.0.1, on a free port it picks itself:

    smtp_tls_server.py --mode starttls|smtps --cert CERT --key KEY --user U --password P
                       [--refuse-sender ADDRESS] --out FILE

- starttls: plain at first, STARTTLS required before anything else; smtps: TLS from the start.
- AUTH (PLAIN and LOGIN) is required, and only over TLS; a wrong password gets aiosmtpd's own
  `535 5.7.8 Authentication credentials invalid`.
- A mail from --refuse-sender is refused at MAIL FROM with `550 5.7.1 Sender refused by policy`.
- Each mail accepted is appended to FILE as one JSON line: {"mail_from", "rcpt_tos", "message_id"}.

Once listening it prints `PORT <n>` on a line of its own and flushes; it stops when stdin closes
(the test process dropped it), so no server outlives its test.
"""

import argparse
import asyncio
import email
import json
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, refuse_sender, out):
        self.refuse_sender = refuse_sender
        self.out = out

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender and address.lower() == self.refuse_sender.lower():
            return "550 5.7.1 Sender refused by policy"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        line = json.dumps(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "message_id": message.get("Message-ID", ""),
            }
        )
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(line + "\n")
        return "250 Message accepted for delivery"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode() == user and auth_data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False)

    return check


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["starttls", "smtps"], required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--refuse-sender")
    p.add_argument("--out", required=True)
    args = p.parse_args()

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    handler = Handler(args.refuse_sender, args.out)
    loop = asyncio.get_running_loop()

    def protocol():
        return SMTP(
            handler,
            hostname="localhost",
            tls_context=context if args.mode == "starttls" else None,
            require_starttls=args.mode == "starttls",
            auth_required=True,
            # aiosmtpd knows of TLS only when STARTTLS set it up; under implicit TLS every
            # byte is encrypted already.
            auth_require_tls=args.mode == "starttls",
            authenticator=authenticator(args.user, args.password),
            loop=loop,
        )

    server = await loop.create_server(
        protocol,
        host="127.0.0.1",
        port=0,
        ssl=context if args.mode == "smtps" else None,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    # Serve until the test closes our stdin.
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
