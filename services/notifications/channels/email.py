"""E-mail over SMTP: the shared SMTP piece (``shared.mail``), failures as delivery outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from services.notifications.channels import DeliveryFailed
from shared.mail import SEND_ERRORS, SmtpServer, compose


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    message_key: str  # goes into Message-ID, so a resent mail is recognisably the same


class SmtpMailer(SmtpServer):
    """Sends one mail per call to the configured server."""

    def build(self, mail: Mail) -> EmailMessage:
        return compose(self.sender, mail.to, mail.subject, mail.text, mail.message_key)

    async def send(self, mail: Mail) -> None:
        try:
            await self.deliver(self.build(mail))
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise DeliveryFailed("smtp: recipient refused", permanent=True) from exc
        except SEND_ERRORS as exc:
            # The exception text may echo the address; keep only its type.
            raise DeliveryFailed(f"smtp: {type(exc).__name__}") from exc
