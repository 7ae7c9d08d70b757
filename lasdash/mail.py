"""Sending mail: standard SMTP submission (smtplib), STARTTLS required, certificates verified.

Settings come from the environment (docs/CONFIGURATION.md): LASDASH_SMTP_HOST, LASDASH_SMTP_PORT (587),
LASDASH_SMTP_USER, LASDASH_SMTP_PASSWORD, LASDASH_SMTP_FROM and LASDASH_SMTP_CA_FILE (a private CA to trust).
Nothing is sent, and no credential is offered, before TLS is up: a server that does not offer STARTTLS is refused.

How the session authenticates is one function (`_authenticate`), chosen by `Settings.auth`: a password today; OAuth2
(XOAUTH2, which Exchange Online and so NHSmail are moving to) is one more branch there, with its token source.
"""
from __future__ import annotations

import os
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

DEFAULT_PORT = 587
TIMEOUT = 30  # seconds for connecting and for each SMTP reply


class MailError(Exception):
    """The server cannot be used at all (unreachable, no STARTTLS, an untrusted certificate, a refused login): one
    line saying which. Nothing was sent."""


@dataclass(frozen=True)
class Settings:
    host: str
    port: int = DEFAULT_PORT
    user: str | None = None
    password: str | None = None
    sender: str | None = None  # the From address; NHSmail wants it equal to the login
    ca_file: str | None = None
    auth: str = "password"  # how to log in: "password" (or no user: none); "xoauth2" is the planned next

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        host = env.get("LASDASH_SMTP_HOST", "").strip()
        if not host:
            raise MailError("LASDASH_SMTP_HOST is not set: no mail server to send through (see docs/CONFIGURATION.md)")
        try:
            port = int(env.get("LASDASH_SMTP_PORT", "").strip() or DEFAULT_PORT)
        except ValueError:
            raise MailError(f"LASDASH_SMTP_PORT must be a port number, not '{env['LASDASH_SMTP_PORT']}'") from None
        user = env.get("LASDASH_SMTP_USER") or None
        sender = env.get("LASDASH_SMTP_FROM") or user
        if not sender:
            raise MailError("LASDASH_SMTP_FROM is not set (nor LASDASH_SMTP_USER): no address to send from")
        return cls(host, port, user, env.get("LASDASH_SMTP_PASSWORD") or None, sender,
                   env.get("LASDASH_SMTP_CA_FILE") or None)

    def tls_context(self) -> ssl.SSLContext:
        try:
            return ssl.create_default_context(cafile=self.ca_file)  # verifies the chain and the host name
        except (OSError, ssl.SSLError) as exc:
            raise MailError(f"cannot read LASDASH_SMTP_CA_FILE {self.ca_file}: {exc}") from None


def connect(settings: Settings) -> smtplib.SMTP:
    """An SMTP session over STARTTLS, logged in: ready to send. Raises MailError, having sent nothing."""
    where = f"{settings.host}:{settings.port}"
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"cannot reach the mail server {where}: {reason(exc)}") from None
    try:
        smtp.ehlo()
        if not smtp.has_extn("starttls"):
            raise MailError(f"the mail server {where} does not offer STARTTLS: refusing to send in clear")
        smtp.starttls(context=settings.tls_context())
        smtp.ehlo()
        _authenticate(smtp, settings)
    except MailError:
        close(smtp)
        raise
    except ssl.SSLCertVerificationError as exc:
        close(smtp)
        raise MailError(f"the mail server {where}'s certificate is not trusted ({exc.verify_message}): set "
                        "LASDASH_SMTP_CA_FILE to its CA if it is a private one") from None
    except smtplib.SMTPAuthenticationError as exc:
        close(smtp)
        raise MailError(f"the mail server {where} refused the login for {settings.user}: "
                        f"{exc.smtp_code} {reason(exc)}") from None
    except (OSError, smtplib.SMTPException) as exc:
        close(smtp)
        raise MailError(f"the mail server {where} failed: {reason(exc)}") from None
    return smtp


def _authenticate(smtp: smtplib.SMTP, settings: Settings) -> None:
    if settings.auth != "password":
        raise MailError(f"LASDASH_SMTP auth '{settings.auth}' is not supported yet")
    if settings.user:
        smtp.login(settings.user, settings.password or "")


def send(smtp: smtplib.SMTP, message: EmailMessage) -> None:
    """Send one message on an open session. Raises smtplib.SMTPException (e.g. a refused recipient) or OSError:
    the caller reports it and goes on with the next."""
    smtp.send_message(message)


def close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def reason(exc: BaseException) -> str:
    """What went wrong, in the server's words where it gave some: one line."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "refused " + "; ".join(f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
                                      for code, text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    if isinstance(exc, socket.timeout):
        return "timed out"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
