"""Password policy and hashing (argon2id via argon2-cffi).

Hashing is CPU work, not I/O; callers in async code run it in a worker thread.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 128

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("duijie-dummy-password-for-timing")


class PasswordPolicyError(ValueError):
    """A password the policy refuses; the message never echoes the password."""


def check_policy(password: str, *, email: str | None = None) -> None:
    """Length 10-128, at least two kinds of character, not the e-mail itself."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise PasswordPolicyError(
            f"密码长度须为{MIN_LENGTH}-{MAX_LENGTH}位 / "
            f"must be {MIN_LENGTH}-{MAX_LENGTH} characters"
        )
    kinds = sum(
        any(test(ch) for ch in password)
        for test in (str.isdigit, str.islower, str.isupper, lambda c: not c.isalnum())
    )
    if kinds < 2:
        raise PasswordPolicyError(
            "密码须包含至少两类字符 / must mix at least two kinds of character"
        )
    if email and password.strip().lower() == email.strip().lower():
        raise PasswordPolicyError("密码不能与邮箱相同 / must not be the e-mail address")


def hash_password(password: str) -> str:
    """An argon2id hash in PHC string format."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-work check; an absent hash still costs one verification."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)
