"""A real SMTP submission server for the digest's tests, run as its own process: aiosmtpd on a local port, STARTTLS
required (with the test's certificate), AUTH required (one user and password), each accepted message saved as a
.eml file in a folder. A recipient whose address starts with "refused" is refused (550), as a real server refuses
an unknown mailbox.

python tests/smtp_server.py PORT CERT KEY USER PASSWORD FOLDER  (prints READY once it listens); CERT "-": a plain
server offering no STARTTLS, to prove the client refuses it.
"""
import ssl
import sys
import time
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Saver:
    def __init__(self, folder: Path):
        self.folder = folder

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("refused"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:6]}"
        (self.folder / f"{name}.eml").write_bytes(envelope.original_content or envelope.content)
        (self.folder / f"{name}.rcpt").write_text("\n".join(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def main() -> None:
    port, cert, key, user, password, folder = sys.argv[1:7]
    context = None
    if cert != "-":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
            and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False)

    tls = {"tls_context": context, "require_starttls": True} if context else {}
    controller = Controller(Saver(Path(folder)), hostname="127.0.0.1", port=int(port), auth_required=True,
                            auth_require_tls=True, authenticator=authenticator, **tls)
    controller.start()
    print("READY", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
