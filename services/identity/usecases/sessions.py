"""Sign-in, token refresh and sign-out.

Access tokens are short-lived JWTs; refresh tokens are opaque random strings kept only as
SHA-256 digests, used once each, and grouped in families: presenting a spent refresh token
revokes its whole family (whoever stole it is signed out along with the owner).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import secrets
from typing import Any

from pydantic import BaseModel

from services.identity.domain.keys import sign_access_token
from services.identity.domain.passwords import hash_password, needs_rehash, verify_password
from services.identity.domain.records import Organisation, User
from services.identity.domain.signup import may_sign_in
from services.identity.domain.throttle import retry_after
from services.identity.errors import IdentityError
from services.identity.usecases import Deps, new_id
from services.identity.usecases.keys import signing_key
from shared.auth import Caller

log = logging.getLogger(__name__)


class TokenPair(BaseModel):
    """The only response that ever carries tokens."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105
    expires_in: int
    refresh_token: str
    refresh_expires_in: int


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _bad_credentials() -> IdentityError:
    return IdentityError(
        401, "credentials", "invalid_credentials", "邮箱或密码错误 / wrong e-mail or password"
    )


def _bad_refresh() -> IdentityError:
    return IdentityError(
        401, "refresh_token", "invalid_refresh_token", "刷新令牌无效 / refresh token not valid"
    )


def caller_for(user: User, org: Organisation) -> Caller:
    profile = org.profile
    district = getattr(profile, "district", None)
    return Caller(
        user_id=user.id,
        user_name=user.name,
        organisation_id=org.id,
        org_type=profile.type,
        role=user.role,
        district=district.value if district else None,
        government_kind=getattr(profile, "kind", None) if profile.type == "government" else None,
        verified=org.verified,
    )


async def issue_tokens(
    deps: Deps, user: User, org: Organisation, family: str | None = None
) -> TokenPair:
    now = deps.now()
    key = await signing_key(deps)
    access = sign_access_token(
        key,
        caller_for(user, org),
        now=now,
        ttl=deps.settings.access_ttl,
        issuer=deps.settings.issuer,
        audience=deps.settings.audience,
    )
    refresh = secrets.token_urlsafe(32)
    await deps.repos.refresh_tokens.add(
        _digest(refresh),
        user_id=user.id,
        family=family or new_id(),
        now=now,
        expires_at=now + deps.settings.refresh_ttl,
    )
    return TokenPair(
        access_token=access,
        expires_in=int(deps.settings.access_ttl.total_seconds()),
        refresh_token=refresh,
        refresh_expires_in=int(deps.settings.refresh_ttl.total_seconds()),
    )


async def _throttled(deps: Deps, keys: list[str]) -> None:
    now = deps.now()
    waits = [retry_after(await deps.repos.throttle.get(k), now) for k in keys]
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        raise IdentityError(
            429,
            "email",
            "too_many_failed_sign_ins",
            "登录失败次数过多，请稍后再试 / too many failed sign-ins, try again later",
            headers={"Retry-After": str(wait)},
            retry_after_seconds=wait,
        )


async def sign_in(deps: Deps, email: str, password: str, client_ip: str | None) -> TokenPair:
    email = email.strip().lower()
    email_key = f"email:{_digest(email)}"
    ip_key = f"ip:{client_ip or 'unknown'}"
    await _throttled(deps, [email_key, ip_key])
    user = await deps.repos.users.by_email(email)
    ok = await asyncio.to_thread(verify_password, user.password_hash if user else None, password)
    org = await deps.repos.organisations.get(user.organisation_id) if user and ok else None
    if user is None or not ok or user.disabled or org is None:
        now = deps.now()
        await deps.repos.throttle.record_failure(email_key, deps.settings.throttle_policy(), now)
        await deps.repos.throttle.record_failure(
            ip_key, deps.settings.throttle_policy(per_ip=True), now
        )
        log.info("failed sign-in (ip %s)", client_ip)
        raise _bad_credentials()
    await deps.repos.throttle.clear(email_key)
    if not may_sign_in(org.standing):  # the password was right: saying why leaks nothing
        raise IdentityError(
            403, "email", "email_not_confirmed",
            "请先打开注册邮件中的链接验证邮箱 / confirm your e-mail first (open the mailed link)",
        )  # fmt: skip
    if needs_rehash(user.password_hash):
        new_hash = await asyncio.to_thread(hash_password, password)
        await deps.repos.users.set_password_hash(user.id, new_hash)
    log.info("user %s signed in", user.id)
    return await issue_tokens(deps, user, org)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def refresh(deps: Deps, refresh_token: str) -> TokenPair:
    digest = _digest(refresh_token)
    record: dict[str, Any] | None = await deps.repos.refresh_tokens.spend(digest)
    if record is None:
        spent = await deps.repos.refresh_tokens.find(digest)
        if spent is not None and spent["used"] and not spent["revoked"]:
            await deps.repos.refresh_tokens.revoke_family(spent["family"])
            log.warning("refresh token reuse for user %s: family revoked", spent["user_id"])
        raise _bad_refresh()
    if _aware(record["expires_at"]) <= deps.now():
        raise _bad_refresh()
    user = await deps.repos.users.get(record["user_id"])
    org = await deps.repos.organisations.get(user.organisation_id) if user else None
    if user is None or user.disabled or org is None or not may_sign_in(org.standing):
        raise _bad_refresh()
    return await issue_tokens(deps, user, org, family=record["family"])


async def sign_out(deps: Deps, caller: Caller, refresh_token: str) -> None:
    """Revoke the refresh token's family if it is the caller's own."""
    record = await deps.repos.refresh_tokens.find(_digest(refresh_token))
    if record is not None and record["user_id"] == caller.user_id:
        await deps.repos.refresh_tokens.revoke_family(record["family"])


async def change_password(deps: Deps, caller: Caller, current: str, new: str) -> None:
    """Check the current password, apply the policy, and sign out every other session."""
    from services.identity.domain.passwords import PasswordPolicyError, check_policy

    user = await deps.repos.users.get(caller.user_id)
    ok = await asyncio.to_thread(verify_password, user.password_hash if user else None, current)
    if user is None or not ok:
        raise IdentityError(
            422, "current_password", "wrong_password", "当前密码错误 / current password is wrong"
        )
    try:
        check_policy(new, email=user.email)
    except PasswordPolicyError as exc:
        raise IdentityError(422, "new_password", "password_policy", str(exc)) from None
    await deps.repos.users.set_password_hash(user.id, await asyncio.to_thread(hash_password, new))
    await deps.repos.refresh_tokens.revoke_user(user.id)
