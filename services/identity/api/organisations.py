"""Organisations and their users."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from services.identity.api import DepsDep, OrganisationPublic, UserPublic, operation_id
from services.identity.domain.organisations import (
    District,
    Domains,
    HighTechCertificate,
    OrgType,
    Profile,
)
from services.identity.errors import forbidden
from services.identity.usecases import organisations as uc
from shared.auth import CurrentCaller
from shared.auth import OrgType as CallerOrgType

router = APIRouter(tags=["organisations"], generate_unique_id_function=operation_id)


class Registration(BaseModel):
    """An organisation and its first admin user."""

    organisation: Profile
    admin: uc.NewUser


class Registered(BaseModel):
    organisation: OrganisationPublic
    admin: UserPublic


class OrganisationPatch(BaseModel):
    """Fields to change; which ones apply depends on the organisation's type."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=2, max_length=120)
    domains: Domains | None = None
    credit_code: str | None = None
    district: District | None = None
    founding_date: dt.date | None = None
    high_tech_certificate: HighTechCertificate | None = None
    kind: str | None = None
    fund_type: str | None = None
    licence_number: str | None = None


@router.post("/organisations", status_code=status.HTTP_201_CREATED, summary="Register")
async def register(body: Registration, caller: CurrentCaller, deps: DepsDep) -> Registered:
    """Operators only: register an organisation of any type with its first admin."""
    org, user = await uc.register_organisation(deps, caller, body.organisation, body.admin)
    return Registered(organisation=OrganisationPublic.of(org), admin=UserPublic.of(user))


@router.get("/organisations", summary="List organisations")
async def list_organisations(
    caller: CurrentCaller,
    deps: DepsDep,
    type: OrgType | None = None,
    district: District | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[OrganisationPublic]:
    """Operators: all. District governments: the enterprises in their district only."""
    if caller.is_district_government:
        type, district = OrgType.enterprise, District(caller.district or "")
    elif caller.org_type is not CallerOrgType.operator:
        raise forbidden("org_type_not_allowed", "仅运营方与区政府可浏览 / operators, districts")
    found = await deps.repos.organisations.search(
        org_type=type.value if type else None,
        district=district.value if district else None,
        limit=limit,
        offset=offset,
    )
    return [OrganisationPublic.of(o) for o in found]


@router.get("/organisations/{organisation_id}", summary="Read an organisation")
async def read(organisation_id: str, caller: CurrentCaller, deps: DepsDep) -> OrganisationPublic:
    """Anyone signed in: an organisation's profile and current tiers."""
    return OrganisationPublic.of(await uc.get_organisation(deps, organisation_id))


@router.patch("/organisations/{organisation_id}", summary="Update an organisation")
async def update(
    organisation_id: str, body: OrganisationPatch, caller: CurrentCaller, deps: DepsDep
) -> OrganisationPublic:
    """Operators: any field but the type. The organisation's own admin: name and domains."""
    patch = body.model_dump(exclude_unset=True)
    org = await uc.update_organisation(deps, caller, organisation_id, patch)
    return OrganisationPublic.of(org)


@router.get("/organisations/{organisation_id}/users", summary="List users")
async def users(organisation_id: str, caller: CurrentCaller, deps: DepsDep) -> list[UserPublic]:
    """Operators, and the organisation's own users (admin or member)."""
    return [UserPublic.of(u) for u in await uc.list_users(deps, caller, organisation_id)]


@router.post(
    "/organisations/{organisation_id}/users",
    status_code=status.HTTP_201_CREATED,
    summary="Add a user",
)
async def add_user(
    organisation_id: str, body: uc.NewUser, caller: CurrentCaller, deps: DepsDep
) -> UserPublic:
    """Operators, and the organisation's own admin: add a user with a role."""
    return UserPublic.of(await uc.add_user(deps, caller, organisation_id, body))
