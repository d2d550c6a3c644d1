"""E-mail over SMTP with aiosmtplib (async: never blocks the event loop)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from services.notifications.channels import DeliveryFailed


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    message_key: str  # goes into Message-ID, so a resent mail is recognisably the same


class SmtpMailer:
    """Sends one mail per call to the configured server."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        timeout: float = 15.0,
        start_tls: bool = False,
        use_tls: bool = False,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout
        self.start_tls = start_tls
        self.use_tls = use_tls
        self.username = username
        self.password = password

    def build(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(idstring=mail.message_key, domain="duijie.local")
        message.set_content(mail.text, charset="utf-8")
        return message

    async def send(self, mail: Mail) -> None:
        try:
            await aiosmtplib.send(
                self.build(mail),
                hostname=self.host,
                port=self.port,
                timeout=self.timeout,
                start_tls=self.start_tls,
                use_tls=self.use_tls,
                username=self.username,
                password=self.password,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise DeliveryFailed("smtp: recipient refused", permanent=True) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            # The exception text may echo the address; keep only its type.
            raise DeliveryFailed(f"smtp: {type(exc).__name__}") from exc
