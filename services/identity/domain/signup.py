"""Self-sign-up: the standing of an organisation and the rules that move it.

An organisation an operator registers is ``verified`` from the start. One that signs itself
up goes ``pending_email`` (its admin must follow the e-mailed link) -> ``pending_verification``
(an operator checks its registry facts) -> ``verified`` or ``rejected``. Until verified it
drafts but publishes nothing (``shared.auth.ensure_verified``).

The e-mail check is a random secret, mailed once and kept only as its SHA-256 digest (like
refresh tokens): it cannot be forged, it expires, and it is single use because confirming
moves the organisation out of ``pending_email`` in one versioned save. A new link (resend)
replaces the digest, so an older link stops working.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, Field

TOKEN_SEPARATOR = "."  # noqa: S105 - a separator, not a secret


class Standing(StrEnum):
    """Where an organisation is on the way to taking part in the markets."""

    pending_email = "pending_email"  # 待验证邮箱
    pending_verification = "pending_verification"  # 待运营方审核
    verified = "verified"  # 已审核
    rejected = "rejected"  # 未通过审核


class SignUpRecord(BaseModel):
    """The self-sign-up's own facts, kept on the organisation (no token, no e-mail)."""

    email_check_digest: str = Field(repr=False)
    email_check_expires_at: dt.datetime
    signed_up_at: dt.datetime
    email_confirmed_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    decided_by_organisation_id: str | None = None
    decided_by_user_id: str | None = None
    rejection_reason: str | None = None


class SignUpError(Exception):
    """A refused step: the status to answer with, a stable code and ``"中文 / English"``."""

    def __init__(self, status: int, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.field, self.code, self.message = status, field, code, message


@dataclass(frozen=True)
class EmailCheck:
    """A freshly made link secret: ``token`` goes into the mail only, ``digest`` is kept."""

    token: str
    digest: str
    expires_at: dt.datetime


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_email_check(org_id: str, now: dt.datetime, ttl: dt.timedelta) -> EmailCheck:
    """``<organisation id>.<32 random bytes>``: the id finds the organisation, the secret
    proves the mail was read."""
    secret = secrets.token_urlsafe(32)
    return EmailCheck(f"{org_id}{TOKEN_SEPARATOR}{secret}", digest(secret), now + ttl)


def _invalid() -> SignUpError:
    return SignUpError(
        422, "token", "invalid_token", "确认链接无效 / this confirmation link is not valid"
    )


def parse_token(token: str) -> tuple[str, str]:
    """(organisation id, secret), or :class:`SignUpError` for anything malformed."""
    org_id, sep, secret = token.strip().partition(TOKEN_SEPARATOR)
    if not sep or not org_id.isalnum() or len(org_id) > 64 or not 20 <= len(secret) <= 100:
        raise _invalid()
    return org_id, secret


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def confirm_email(
    standing: Standing, record: SignUpRecord | None, secret: str, now: dt.datetime
) -> SignUpRecord:
    """The record after a confirmed e-mail (the organisation moves to
    ``pending_verification``), or why not: a wrong or replaced link, a used one, an expired
    one."""
    if record is None or not hmac.compare_digest(record.email_check_digest, digest(secret)):
        raise _invalid()
    if standing is not Standing.pending_email:
        raise SignUpError(
            409, "token", "token_used", "该确认链接已使用 / this link has already been used"
        )
    if _aware(record.email_check_expires_at) <= now:
        raise SignUpError(
            422, "token", "token_expired",
            "确认链接已过期，请重新发送 / this link has expired: ask for a new one",
        )  # fmt: skip
    return record.model_copy(update={"email_confirmed_at": now})


def renew_email_check(
    standing: Standing, record: SignUpRecord | None, check: EmailCheck
) -> SignUpRecord:
    """A new link for an organisation still waiting for its e-mail check."""
    if record is None or standing is not Standing.pending_email:
        raise SignUpError(
            409, "email", "not_pending_email", "邮箱已验证 / the e-mail is already confirmed"
        )
    return record.model_copy(
        update={"email_check_digest": check.digest, "email_check_expires_at": check.expires_at}
    )


def decide(
    standing: Standing,
    record: SignUpRecord | None,
    *,
    approve: bool,
    by_organisation: str,
    by_user: str,
    now: dt.datetime,
    reason: str | None = None,
) -> tuple[Standing, SignUpRecord]:
    """An operator's verification (of an organisation whose e-mail is confirmed) or
    rejection (also of one that never confirmed, so a squatted credit code is freed)."""
    allowed = {Standing.pending_verification} | (set() if approve else {Standing.pending_email})
    if record is None or standing not in allowed:
        raise SignUpError(
            409, "organisation_id", "not_awaiting_verification",
            f"该机构不在待审核状态（{standing.value}） / "
            f"the organisation is not awaiting verification ({standing.value})",
        )  # fmt: skip
    decided = record.model_copy(
        update={
            "decided_at": now,
            "decided_by_organisation_id": by_organisation,
            "decided_by_user_id": by_user,
            "rejection_reason": None if approve else reason,
        }
    )
    return (Standing.verified if approve else Standing.rejected), decided


def holds_registry_key(standing: Standing) -> bool:
    """A rejected organisation gives its credit code up (another may sign up with it)."""
    return standing is not Standing.rejected


def may_sign_in(standing: Standing) -> bool:
    """Everyone but an organisation whose e-mail is not confirmed yet (a rejected one may
    still sign in to read why)."""
    return standing is not Standing.pending_email
