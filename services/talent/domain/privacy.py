"""Candidate identity without personal data: normalised phone and e-mail, and keyed hashes.

The same person submitted twice for one demand is recognised by a hash of the normalised
phone or e-mail. The hash is an HMAC with a deployment secret, not a bare SHA-256: China's
mobile numbers are a space of ~10^10, which a bare hash lets anyone reverse in minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from shared.errors import InvalidInput

_SEPARATORS = re.compile(r"[\s\-().]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_EMAIL = re.compile(r"^[a-z0-9._%+\-]{1,64}@[a-z0-9\-]{1,63}(\.[a-z0-9\-]{1,63})+$")


def normalise_phone(raw: str, field: str = "phone") -> str:
    """A mainland mobile number as 11 digits (``+86 138-1234-5678`` -> ``13812345678``)."""
    digits = _SEPARATORS.sub("", raw)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not _MOBILE.match(digits):
        raise InvalidInput(
            field,
            "malformed_phone",
            zh="手机号格式不正确，应为 11 位中国大陆手机号",
            en="phone must be an 11-digit mainland China mobile number",
        )
    return digits


def normalise_email(raw: str, field: str = "email") -> str:
    email = raw.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise InvalidInput(field, "malformed_email", zh="邮箱格式不正确", en="malformed e-mail")
    return email


def keyed_hash(secret: str, kind: str, value: str) -> str:
    """HMAC-SHA256 of ``kind:value`` under ``secret``, hex (32 chars are plenty here)."""
    mac = hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def person_keys(secret: str, phone: str, email: str | None) -> list[str]:
    """The keys a person is recognised by: their phone, and their e-mail if given."""
    keys = [keyed_hash(secret, "phone", phone)]
    if email:
        keys.append(keyed_hash(secret, "email", email))
    return keys
