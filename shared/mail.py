"""SMTP for the services that mail: notifications' e-mail channel and identity's sign-up
check (which cannot go through notifications: its link's secret must never be in an event).

One place for the server's settings (:class:`SmtpSettings`, mixed into each service's own
settings, so the variables keep that service's prefix: ``DUIJIE_NOTIFICATIONS_SMTP_HOST``,
``DUIJIE_IDENTITY_SMTP_HOST``), for composing a message and for sending it with aiosmtplib
(async: never blocks the event loop). What a failed send means is each caller's own
business (a retried job, an offered resend): :data:`SEND_ERRORS` is what it may raise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib
from pydantic import Field
from pydantic_settings import BaseSettings

# What a send raises when the server cannot take the mail (its text may echo the address:
# log only the type).
SEND_ERRORS = (aiosmtplib.SMTPException, OSError, TimeoutError)


class SmtpSettings(BaseSettings):
    """The SMTP server and the From: header; a service's settings class inherits these."""

    smtp_host: str = Field("127.0.0.1", description="SMTP server host")
    smtp_port: int = Field(1025, description="SMTP server port")
    smtp_starttls: bool = Field(False, description="upgrade the connection with STARTTLS")
    smtp_use_tls: bool = Field(False, description="implicit TLS (SMTPS, usually port 465)")
    smtp_username: str | None = Field(None, description="SMTP user, when the server wants one")
    smtp_password: str | None = Field(None, repr=False, description="SMTP password")
    smtp_timeout_seconds: float = Field(15.0, gt=0, description="per-mail SMTP timeout")
    mail_from: str = Field(
        "对接平台 Duijie <noreply@duijie.local>", description="From: header of every mail"
    )


def compose(sender: str, to: str, subject: str, text: str, message_key: str = "") -> EmailMessage:
    """A plain-text UTF-8 mail; ``message_key`` goes into its Message-ID (so a resent mail
    is recognisably the same)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=message_key or None, domain="duijie.local")
    message.set_content(text, charset="utf-8")
    return message


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes; :meth:`deliver` sends one message per call."""

    host: str
    port: int
    sender: str
    timeout: float = 15.0
    start_tls: bool = False
    use_tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def of(cls, settings: SmtpSettings) -> SmtpServer:
        return cls(
            settings.smtp_host, settings.smtp_port, settings.mail_from,
            timeout=settings.smtp_timeout_seconds, start_tls=settings.smtp_starttls,
            use_tls=settings.smtp_use_tls, username=settings.smtp_username,
            password=settings.smtp_password,
        )  # fmt: skip

    async def deliver(self, message: EmailMessage) -> None:
        """Send, or raise one of :data:`SEND_ERRORS`."""
        await aiosmtplib.send(
            message, hostname=self.host, port=self.port, timeout=self.timeout,
            start_tls=self.start_tls, use_tls=self.use_tls,
            username=self.username, password=self.password,
        )  # fmt: skip
