"""Self-sign-up (public, throttled) and the operators' verification of it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, status
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.identity.api import DepsDep, OrganisationPublic, UserPublic, operation_id
from services.identity.domain.organisations import SignUpProfile
from services.identity.domain.signup import Standing
from services.identity.usecases import organisations as org_uc
from services.identity.usecases import signup as uc
from shared.auth import PUBLIC, CurrentCaller
from shared.limits import no_control_chars

router = APIRouter(tags=["sign-up"], generate_unique_id_function=operation_id)


class SignUpAdmin(org_uc.Person):
    """The organisation's first admin: the person who signs up."""

    model_config = ConfigDict(extra="forbid")


class SignUpRequest(BaseModel):
    """An organisation (enterprise, university, SOE, investor or headhunter) with its
    unified social credit code, and its first admin."""

    model_config = ConfigDict(extra="forbid")

    organisation: SignUpProfile
    admin: SignUpAdmin


class SignedUp(BaseModel):
    organisation: OrganisationPublic
    admin: UserPublic
    email_sent: bool = Field(
        description="false when the mail server could not take the mail: ask for a resend"
    )


class ConfirmRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=200, repr=False)


class Confirmed(BaseModel):
    organisation_id: str
    standing: Standing


class ResendRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: org_uc.Email


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, AfterValidator(no_control_chars)] = Field(
        min_length=2, max_length=500, examples=["统一社会信用代码与机构名称不符"]
    )


def _client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.post(
    "/sign-up", dependencies=[PUBLIC], status_code=status.HTTP_201_CREATED, summary="Sign up"
)
async def sign_up(body: SignUpRequest, request: Request, deps: DepsDep) -> SignedUp:
    """Public, throttled per client IP and per e-mail (429 with Retry-After): the
    organisation waits for its admin's e-mail check (a link is mailed), then for an
    operator's verification. A taken credit code or e-mail is a 409 naming it."""
    admin = org_uc.NewUser(**body.admin.model_dump())
    org, user, sent = await uc.sign_up(deps, body.organisation, admin, _client_ip(request))
    return SignedUp(
        organisation=OrganisationPublic.of(org), admin=UserPublic.of(user), email_sent=sent
    )


@router.post("/sign-up/confirm", dependencies=[PUBLIC], summary="Confirm the e-mail")
async def confirm(body: ConfirmRequest, deps: DepsDep) -> Confirmed:
    """Public: the token from the mailed link (single use, expires). The organisation
    then waits for an operator; its admin may sign in and draft."""
    org = await uc.confirm(deps, body.token)
    return Confirmed(organisation_id=org.id, standing=org.standing)


@router.post(
    "/sign-up/resend",
    dependencies=[PUBLIC],
    status_code=status.HTTP_202_ACCEPTED,
    summary="Mail a new link",
)
async def resend(body: ResendRequest, request: Request, deps: DepsDep) -> None:
    """Public, throttled like sign-up: a new link if that e-mail's sign-up still waits for
    its check (the old link stops working). Always 202, so nobody learns who signed up."""
    await uc.resend(deps, body.email, _client_ip(request))


@router.post("/organisations/{organisation_id}/verify", summary="Verify a sign-up")
async def verify(organisation_id: str, caller: CurrentCaller, deps: DepsDep) -> OrganisationPublic:
    """Operators: the organisation may publish (from its users' next token)."""
    org = await uc.decide_sign_up(deps, caller, organisation_id, approve=True)
    return OrganisationPublic.of(org)


@router.post("/organisations/{organisation_id}/reject", summary="Reject a sign-up")
async def reject(
    organisation_id: str, body: Rejection, caller: CurrentCaller, deps: DepsDep
) -> OrganisationPublic:
    """Operators, with a reason the organisation sees; its credit code is free again."""
    org = await uc.decide_sign_up(deps, caller, organisation_id, approve=False, reason=body.reason)
    return OrganisationPublic.of(org)
