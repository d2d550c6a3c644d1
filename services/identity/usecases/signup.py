"""Self-sign-up: an organisation registers itself with its credit code and first admin,
confirms the admin's e-mail, and waits for an operator to verify (or reject) it.

Every state change is one versioned save on the aggregate store (``store.update``: load,
decide, save at the version read); the credit code and the e-mail are claimed through
``shared.unique_keys``. Sign-up attempts are throttled per client IP and per e-mail with
the sign-in throttle's counters (own keys, own policy). The link's secret is only ever in
the mail: stored as a digest, never logged, never in an event.
"""

from __future__ import annotations

import hashlib
import logging

from services.identity import events
from services.identity.domain.organisations import Role
from services.identity.domain.records import Organisation, User
from services.identity.domain.signup import (
    SignUpError,
    SignUpRecord,
    Standing,
    confirm_email,
    decide,
    new_email_check,
    parse_token,
    renew_email_check,
)
from services.identity.domain.throttle import retry_after
from services.identity.errors import IdentityError, forbidden, not_found
from services.identity.mail import email_check_message
from services.identity.storage.organisations import DuplicateOrganisation
from services.identity.storage.users import DuplicateEmail
from services.identity.usecases import Deps, new_id
from services.identity.usecases.organisations import NewUser, _conflict, _make_user
from services.identity.usecases.tiers import SYSTEM, due_automatic, record_changes
from shared.auth import Caller
from shared.events import Envelope
from shared.store import Versioned

log = logging.getLogger(__name__)


def _error(exc: SignUpError) -> IdentityError:
    return IdentityError(exc.status, exc.field, exc.code, exc.message)


def _keys(email: str, client_ip: str | None) -> tuple[str, str]:
    digest = hashlib.sha256(email.encode()).hexdigest()
    return f"signup-email:{digest}", f"signup-ip:{client_ip or 'unknown'}"


async def _throttle(deps: Deps, email: str, client_ip: str | None, email_field: str) -> None:
    """429 while the e-mail (named as the request's ``email_field``) or the address is
    locked; otherwise count this attempt."""
    email_key, ip_key = _keys(email, client_ip)
    now = deps.now()
    for key, field in ((email_key, email_field), (ip_key, "client")):
        wait = retry_after(await deps.repos.throttle.get(key), now)
        if wait is not None:
            raise IdentityError(
                429, field, "too_many_sign_ups",
                "注册请求过于频繁，请稍后再试 / too many sign-ups, try again later",
                headers={"Retry-After": str(wait)}, retry_after_seconds=wait,
            )  # fmt: skip
    settings = deps.settings
    await deps.repos.throttle.record_failure(email_key, settings.signup_policy(per_ip=False), now)
    await deps.repos.throttle.record_failure(ip_key, settings.signup_policy(per_ip=True), now)


async def _mail_link(deps: Deps, user: User, org: Organisation, token: str) -> bool:
    if deps.mailer is None:
        return False
    message = email_check_message(
        deps.settings, to=user.email, person=user.name, organisation=org.profile.name, token=token
    )
    return await deps.mailer.send(message)


async def sign_up(
    deps: Deps, profile: object, admin: NewUser, client_ip: str | None
) -> tuple[Organisation, User, bool]:
    """Create the organisation (``pending_email``) and its admin, and mail the link.
    Returns the organisation, the admin and whether the mail went out."""
    email = admin.email.strip().lower()
    await _throttle(deps, email, client_ip, "admin.email")
    if not getattr(profile, "credit_code", None):
        raise IdentityError(
            422, "organisation.credit_code", "missing",
            "自助注册须填写统一社会信用代码 / the credit code is required to sign up",
        )  # fmt: skip
    now = deps.now()
    org_id = new_id()
    check = new_email_check(org_id, now, deps.settings.email_check_ttl)
    record = SignUpRecord(
        email_check_digest=check.digest, email_check_expires_at=check.expires_at, signed_up_at=now
    )
    user = await _make_user(deps, org_id, admin.model_copy(update={"role": Role.admin}), "admin")
    org = Organisation(
        id=org_id, profile=profile, created_at=now, updated_at=now,  # type: ignore[arg-type]
        standing=Standing.pending_email, sign_up=record,
    )  # fmt: skip
    try:  # no organisation event yet: it is announced once an operator verifies it
        org = await deps.repos.organisations.add(org, [])
    except DuplicateOrganisation:
        raise _conflict(
            "organisation.credit_code", "credit_code_taken",
            "该统一社会信用代码已注册 / this credit code is already registered",
        ) from None  # fmt: skip
    try:
        await deps.repos.users.add(user, [events.user_registered(user)])
    except DuplicateEmail:  # lost a race for the e-mail: give the credit code back
        await _abandon(deps, org_id)
        message = "该邮箱已注册 / e-mail already in use"
        raise _conflict("admin.email", "email_taken", message) from None
    sent = await _mail_link(deps, user, org, check.token)
    log.info("organisation %s signed up (%s), mail sent: %s", org.id, org.profile.type, sent)
    return org, user, sent


async def _abandon(deps: Deps, org_id: str) -> None:
    def change(current: Versioned[Organisation]) -> tuple[Organisation, list[Envelope]]:
        org = current.state
        return org.model_copy(update={"standing": Standing.rejected}), []

    await deps.repos.organisations.store.update(org_id, change, not_found=lambda: LookupError())


async def confirm(deps: Deps, token: str) -> Organisation:
    """Follow the mailed link: ``pending_email`` -> ``pending_verification``."""
    try:
        org_id, secret = parse_token(token)
    except SignUpError as exc:
        raise _error(exc) from None
    now = deps.now()

    def change(current: Versioned[Organisation]) -> tuple[Organisation, list[Envelope]]:
        org = current.state
        try:
            record = confirm_email(org.standing, org.sign_up, secret, now)
        except SignUpError as exc:
            raise _error(exc) from None
        update = {"standing": Standing.pending_verification, "sign_up": record, "updated_at": now}
        return org.model_copy(update=update), []

    invalid = _error(SignUpError(422, "token", "invalid_token", "确认链接无效 / link not valid"))
    saved = await deps.repos.organisations.store.update(org_id, change, not_found=lambda: invalid)
    log.info("organisation %s confirmed its e-mail", org_id)
    return saved.state


async def resend(deps: Deps, email: str, client_ip: str | None) -> None:
    """A new link for a sign-up still waiting for its e-mail check. Answers the same
    whatever the e-mail (nobody learns who has signed up); throttled like a sign-up."""
    email = email.strip().lower()
    await _throttle(deps, email, client_ip, "email")  # the resend body's own field
    user = await deps.repos.users.by_email(email)
    if user is None:
        return
    check = new_email_check(user.organisation_id, deps.now(), deps.settings.email_check_ttl)

    def change(current: Versioned[Organisation]) -> tuple[Organisation, list[Envelope]]:
        state = current.state
        try:
            record = renew_email_check(state.standing, state.sign_up, check)
        except SignUpError as exc:
            raise _error(exc) from None
        return state.model_copy(update={"sign_up": record}), []

    try:  # the update's own read decides: no separate read of the organisation first
        saved = await deps.repos.organisations.store.update(
            user.organisation_id, change, not_found=lambda: not_found("organisation_id", "机构")
        )
    except IdentityError:
        return  # not waiting for its e-mail check (any more): nothing to send
    await _mail_link(deps, user, saved.state, check.token)


async def decide_sign_up(
    deps: Deps, caller: Caller, org_id: str, *, approve: bool, reason: str | None = None
) -> Organisation:
    """Operators only: verify (it may publish from its next token) or reject (with a
    reason; its credit code is free again)."""
    if not caller.is_operator:
        raise forbidden("org_type_not_allowed", "仅运营方可审核机构 / operators only")
    now = deps.now()

    def change(current: Versioned[Organisation]) -> tuple[Organisation, list[Envelope]]:
        org = current.state
        try:
            standing, record = decide(
                org.standing, org.sign_up, approve=approve, reason=reason, now=now,
                by_organisation=caller.organisation_id, by_user=caller.user_id,
            )  # fmt: skip
        except SignUpError as exc:
            raise _error(exc) from None
        update = {"standing": standing, "sign_up": record, "updated_at": now}
        org = org.model_copy(update={**update, "version": current.version + 1})
        if not approve:
            return org, [events.rejected(org)]
        # the cultivation rule applies from verification on (registry facts now checked)
        org, _, tier_envelopes = record_changes(deps, org, due_automatic(deps, org), SYSTEM)
        return org, [events.registered(org), events.verified(org), *tier_envelopes]

    saved = await deps.repos.organisations.store.update(
        org_id, change, not_found=lambda: not_found("organisation_id", "机构")
    )
    verb = "verified" if approve else "rejected"
    log.info("organisation %s %s by %s", org_id, verb, caller.organisation_id)
    return saved.state
