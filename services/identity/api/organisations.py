"""Organisations and their users."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.identity.api import DepsDep, OrganisationPublic, UserPublic, operation_id
from services.identity.domain.organisations import (
    CreditCode,
    District,
    Domains,
    HighTechCertificate,
    Name,
    OrgType,
    Profile,
)
from services.identity.domain.signup import Standing
from services.identity.errors import forbidden
from services.identity.usecases import organisations as uc
from shared.auth import CurrentCaller
from shared.auth import OrgType as CallerOrgType
from shared.limits import no_control_chars
from shared.paging import Page, Paging

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

    name: Name | None = None
    domains: Domains | None = None
    credit_code: CreditCode | None = None
    district: District | None = None
    founding_date: dt.date | None = None
    high_tech_certificate: HighTechCertificate | None = None
    kind: Annotated[str, Field(max_length=40), AfterValidator(no_control_chars)] | None = None
    fund_type: Annotated[str, Field(max_length=40), AfterValidator(no_control_chars)] | None = None
    licence_number: (
        Annotated[str, Field(min_length=4, max_length=60), AfterValidator(no_control_chars)] | None
    ) = None


@router.post("/organisations", status_code=status.HTTP_201_CREATED, summary="Register")
async def register(body: Registration, caller: CurrentCaller, deps: DepsDep) -> Registered:
    """Operators only: register an organisation of any type with its first admin."""
    org, user = await uc.register_organisation(deps, caller, body.organisation, body.admin)
    return Registered(organisation=OrganisationPublic.of(org), admin=UserPublic.of(user))


@router.get("/organisations", summary="List organisations")
async def list_organisations(
    caller: CurrentCaller,
    deps: DepsDep,
    paging: Paging,
    type: OrgType | None = None,
    district: District | None = None,
    state: Standing | None = None,
) -> Page[OrganisationPublic]:
    """Operators: all. District governments: the enterprises in their district only.
    ``state=pending_verification`` is the operators' queue of self-sign-ups to verify."""
    if caller.is_district_government:
        type, district = OrgType.enterprise, District(caller.district or "")
    elif caller.org_type is not CallerOrgType.operator:
        raise forbidden("org_type_not_allowed", "仅运营方与区政府可浏览 / operators, districts")
    found, total = await deps.repos.organisations.search(
        org_type=type.value if type else None,
        district=district.value if district else None,
        standing=state.value if state else None,
        limit=paging.limit,
        offset=paging.offset,
    )
    return Page.of([OrganisationPublic.of(o) for o in found], total, paging)


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
async def users(
    organisation_id: str, caller: CurrentCaller, deps: DepsDep, paging: Paging
) -> Page[UserPublic]:
    """Operators, and the organisation's own users (admin or member)."""
    found = [UserPublic.of(u) for u in await uc.list_users(deps, caller, organisation_id)]
    return Page.slice(found, paging)


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
