"""The signed-in user's own account."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from services.identity.api import DepsDep, OrganisationPublic, UserPublic, operation_id
from services.identity.errors import not_found
from services.identity.usecases import sessions
from shared.auth import CurrentCaller

router = APIRouter(tags=["me"], generate_unique_id_function=operation_id)


class Me(BaseModel):
    user: UserPublic
    organisation: OrganisationPublic


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256, repr=False)
    new_password: str = Field(min_length=1, max_length=256, repr=False)


@router.get("/me", summary="Who am I")
async def me(caller: CurrentCaller, deps: DepsDep) -> Me:
    """Any signed-in user: their user record and organisation."""
    user = await deps.repos.users.get(caller.user_id)
    org = await deps.repos.organisations.get(caller.organisation_id)
    if user is None or org is None:
        raise not_found("user", "用户")
    return Me(user=UserPublic.of(user), organisation=OrganisationPublic.of(org))


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT, summary="Change password")
async def change_password(body: PasswordChange, caller: CurrentCaller, deps: DepsDep) -> None:
    """Any signed-in user, for themselves; signs out their other sessions."""
    await sessions.change_password(deps, caller, body.current_password, body.new_password)
