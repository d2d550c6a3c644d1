"""The one mail identity sends itself: the sign-up e-mail check.

It cannot go through notifications: notifications learns from events, and the link's
secret must never be in an event (nor in a log). So identity speaks SMTP directly, to the
same server notifications uses (locally the SMTP sink of ``deploy.local``), through the
shared SMTP piece (``shared.mail``).
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import quote

from services.identity.settings import IdentitySettings
from shared.mail import SEND_ERRORS, SmtpServer, compose

log = logging.getLogger(__name__)


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> bool: ...


class SmtpMailer:
    """Sends one message per call; answers False (logged without the address or the
    message) when the server cannot take it, so the caller can offer a resend."""

    def __init__(self, settings: IdentitySettings) -> None:
        self.server = SmtpServer.of(settings)

    async def send(self, message: EmailMessage) -> bool:
        try:
            await self.server.deliver(message)
        except SEND_ERRORS as exc:
            log.warning("sign-up mail not sent: %s", type(exc).__name__)
            return False
        return True


def confirm_link(settings: IdentitySettings, token: str) -> str:
    return f"{settings.portal_url.rstrip('/')}/sign-up/confirm?token={quote(token, safe='')}"


def email_check_message(
    settings: IdentitySettings, *, to: str, person: str, organisation: str, token: str
) -> EmailMessage:
    """The mail with the confirmation link, Chinese first, English below."""
    link = confirm_link(settings, token)
    hours = settings.email_check_seconds // 3600
    subject = "请验证邮箱以完成机构注册 / Confirm your e-mail to finish signing up"
    text = (
        f"{person}，您好：\n\n"
        f"您正在为「{organisation}」注册对接平台。请在 {hours} 小时内打开以下链接验证邮箱：\n\n"
        f"{link}\n\n"
        "验证后，运营方将审核机构信息；审核通过前可保存草稿，但不能发布。\n"
        "如非本人操作，请忽略此邮件。\n\n"
        "---\n\n"
        f"Hello {person},\n\n"
        f"You are signing up {organisation} on Duijie. Open this link within {hours} hours "
        f"to confirm your e-mail:\n\n{link}\n\n"
        "An operator then verifies the organisation; until then you can save drafts but "
        "not publish. If this was not you, ignore this mail.\n"
    )
    return compose(settings.mail_from, to, subject, text)
