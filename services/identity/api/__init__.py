"""Identity's HTTP routers, one module per resource, and the shapes they return."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from services.identity.domain.organisations import Profile, Role
from services.identity.domain.records import Organisation, User
from services.identity.domain.signup import Standing
from services.identity.errors import IdentityError
from services.identity.usecases import Deps
from shared.problems import error_response
from shared.web import request_language


async def handle_identity_error(request: Request, exc: Exception) -> JSONResponse:
    """Problem details like every service's errors, 401 and 429 included, with their
    headers (``Retry-After``)."""
    assert isinstance(exc, IdentityError)
    return error_response(exc, request_language(request))


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


DepsDep = Annotated[Deps, Depends(get_deps)]


def operation_id(route: APIRoute) -> str:
    """Operation ids ``{tag}-{name}``, stable for generated clients."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


class OrganisationPublic(BaseModel):
    """An organisation as callers see it (tiers: the lists it is on now)."""

    id: str
    profile: Profile
    tiers: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    standing: Standing = Field(
        Standing.verified,
        description="pending_email | pending_verification | verified | rejected (self-sign-up)",
    )
    rejection_reason: str | None = Field(None, description="the operator's, when rejected")

    @classmethod
    def of(cls, org: Organisation) -> OrganisationPublic:
        return cls(
            id=org.id,
            profile=org.profile,
            tiers=sorted(t.value for t in org.tiers.memberships),
            created_at=org.created_at,
            updated_at=org.updated_at,
            version=org.version,
            standing=org.standing,
            rejection_reason=org.sign_up.rejection_reason if org.sign_up else None,
        )


class UserPublic(BaseModel):
    """A user without credentials."""

    id: str
    organisation_id: str
    name: str
    email: str
    role: Role
    created_at: dt.datetime
    disabled: bool

    @classmethod
    def of(cls, user: User) -> UserPublic:
        return cls.model_validate(user.model_dump(exclude={"password_hash"}))
