"""Organisation and user use cases.

Operators register organisations together with their first admin; an organisation's
admin adds users to it; anyone signed in can read an organisation's public profile.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, ValidationError

from services.identity import events
from services.identity.domain.organisations import SELF_EDITABLE_FIELDS, Profile, Role
from services.identity.domain.passwords import PasswordPolicyError, check_policy, hash_password
from services.identity.domain.records import Organisation, User
from services.identity.errors import IdentityError, forbidden, not_found
from services.identity.storage.organisations import DuplicateOrganisation
from services.identity.storage.users import DuplicateEmail
from services.identity.usecases import Deps, new_id
from services.identity.usecases.tiers import SYSTEM, due_automatic, record_changes
from shared.auth import Caller
from shared.limits import no_control_chars
from shared.store import Conflict

log = logging.getLogger(__name__)


Email = Annotated[
    str,
    Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", examples=["zhang.wei@example.cn"]),
]


class Person(BaseModel):
    """A person to create; the password is hashed at once and never stored or echoed."""

    name: Annotated[str, AfterValidator(no_control_chars)] = Field(
        min_length=1, max_length=60, examples=["张伟"]
    )
    email: Email
    password: str = Field(min_length=1, max_length=256, repr=False)


class NewUser(Person):
    """A person to create with their role in the organisation."""

    role: Role = Role.member


def _conflict(field: str, reason: str, message: str) -> IdentityError:
    return IdentityError(409, field, reason, message)


async def _make_user(deps: Deps, org_id: str, new: NewUser, field: str) -> User:
    email = new.email.strip().lower()
    try:
        check_policy(new.password, email=email)
    except PasswordPolicyError as exc:
        raise IdentityError(422, f"{field}.password", "password_policy", str(exc)) from None
    if await deps.repos.users.by_email(email) is not None:
        raise _conflict(f"{field}.email", "email_taken", "该邮箱已注册 / e-mail already in use")
    return User(
        id=new_id(),
        organisation_id=org_id,
        name=new.name,
        email=email,
        role=new.role,
        password_hash=await asyncio.to_thread(hash_password, new.password),
        created_at=deps.now(),
    )


async def register_organisation(
    deps: Deps, caller: Caller, profile: Profile, admin: NewUser, *, org_id: str | None = None
) -> tuple[Organisation, User]:
    """Operators only: create the organisation and its first admin user."""
    if not caller.is_operator:
        raise forbidden("org_type_not_allowed", "仅运营方可注册机构 / operators only")
    now = deps.now()
    org = Organisation(
        id=org_id or new_id(), profile=profile, created_at=now, updated_at=now, version=1
    )
    user = await _make_user(deps, org.id, admin.model_copy(update={"role": Role.admin}), "admin")
    envelopes = [events.registered(org)]
    planned = due_automatic(deps, org)
    if planned:
        org, _, tier_envelopes = record_changes(deps, org, planned, SYSTEM)
        envelopes = [events.registered(org), *tier_envelopes]
    try:
        org = await deps.repos.organisations.add(org, envelopes)
    except DuplicateOrganisation:
        raise _conflict(
            "organisation.credit_code", "credit_code_taken", "该信用代码已注册 / already registered"
        ) from None
    try:
        await deps.repos.users.add(user, [events.user_registered(user)])
    except DuplicateEmail:  # lost a race after the check above; the org stays, admin can be added
        raise _conflict(
            "admin.email", "email_taken", "该邮箱已注册 / e-mail already in use"
        ) from None
    log.info("organisation %s (%s) registered by %s", org.id, profile.type, caller.organisation_id)
    return org, user


async def get_organisation(deps: Deps, org_id: str) -> Organisation:
    org = await deps.repos.organisations.get(org_id)
    if org is None:
        raise not_found("organisation_id", "机构")
    return org


async def update_organisation(
    deps: Deps, caller: Caller, org_id: str, patch: dict[str, Any]
) -> Organisation:
    """Operators change anything but the type; an org's admin changes its name and domains."""
    if not caller.is_operator:
        if not caller.owns(org_id):
            raise forbidden("not_owner", "只能修改本机构 / another organisation")
        if caller.role is not Role.admin:
            raise forbidden("role_not_allowed", "仅机构管理员可修改 / admins only")
        for name in sorted(set(patch) - SELF_EDITABLE_FIELDS):
            raise forbidden("operator_only_field", "该字段仅运营方可修改 / operators only", name)
    if "type" in patch:
        raise IdentityError(422, "type", "immutable", "机构类型不可修改 / type cannot change")
    for _ in range(5):
        org = await get_organisation(deps, org_id)
        merged = {**org.profile.model_dump(), **patch}
        try:
            profile = type(org.profile).model_validate(merged)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "body"
            raise IdentityError(422, field, first["type"], first["msg"]) from None
        changed = [k for k in patch if getattr(org.profile, k, None) != getattr(profile, k, None)]
        if not changed:
            return org
        expected = org.version
        org = org.model_copy(
            update={"profile": profile, "version": expected + 1, "updated_at": deps.now()}
        )
        org, _, tier_envelopes = record_changes(deps, org, due_automatic(deps, org), SYSTEM)
        # a self-sign-up is announced (with its whole snapshot) once verified, not before
        envelopes = [events.updated(org, changed), *tier_envelopes] if org.verified else []
        try:
            return await deps.repos.organisations.save(
                org,
                expected_version=expected,
                envelopes=envelopes,
                new_key="credit_code" in changed,
            )
        except DuplicateOrganisation:
            raise _conflict(
                "credit_code", "credit_code_taken", "该信用代码已注册 / already registered"
            ) from None
        except Conflict:
            continue  # another writer won this version: merge the patch into the new state
    raise IdentityError(409, "organisation_id", "concurrent_update", "并发修改冲突 / try again")


async def add_user(deps: Deps, caller: Caller, org_id: str, new: NewUser) -> User:
    """The organisation's admin (or an operator) adds a user with a role."""
    if not caller.is_operator and not (caller.owns(org_id) and caller.role is Role.admin):
        raise forbidden("not_owner_admin", "仅本机构管理员可添加用户 / your org's admins only")
    await get_organisation(deps, org_id)
    user = await _make_user(deps, org_id, new, "user")
    try:
        await deps.repos.users.add(user, [events.user_registered(user)])
    except DuplicateEmail:
        raise _conflict(
            "user.email", "email_taken", "该邮箱已注册 / e-mail already in use"
        ) from None
    log.info("user %s added to organisation %s", user.id, org_id)
    return user


async def list_users(deps: Deps, caller: Caller, org_id: str) -> list[User]:
    """Members of the organisation and operators see its users."""
    if not caller.is_operator and not caller.owns(org_id):
        raise forbidden("not_owner", "只能查看本机构用户 / your own organisation only")
    await get_organisation(deps, org_id)
    return await deps.repos.users.in_organisation(org_id)
