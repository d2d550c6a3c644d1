"""Sign-in, refresh, sign-out and the public keys (JWKS)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field

from services.identity.api import DepsDep, operation_id
from services.identity.usecases import keys, sessions
from shared.auth import PUBLIC, CurrentCaller

router = APIRouter(tags=["auth"], generate_unique_id_function=operation_id)
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class SignIn(BaseModel):
    email: str = Field(min_length=3, max_length=254, examples=["admin@enterprise.demo"])
    password: str = Field(min_length=1, max_length=256, repr=False)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=10, max_length=200, repr=False)


@router.get("/.well-known/jwks.json", dependencies=[PUBLIC], summary="Public signing keys")
async def jwks(deps: DepsDep, response: Response) -> dict[str, Any]:
    """Public: current and previous verification keys. Cached briefly by verifiers."""
    response.headers["Cache-Control"] = "public, max-age=60"
    return await keys.jwks_document(deps)


@router.post("/auth/token", dependencies=[PUBLIC], summary="Sign in")
async def sign_in(
    body: SignIn, request: Request, deps: DepsDep, response: Response
) -> sessions.TokenPair:
    """Public: e-mail and password for an access token and a refresh token.

    Throttled: repeated failures for one e-mail (or from one address) answer 429.
    """
    response.headers.update(NO_STORE)
    client_ip = request.client.host if request.client else None
    return await sessions.sign_in(deps, body.email, body.password, client_ip)


@router.post("/auth/refresh", dependencies=[PUBLIC], summary="Refresh tokens")
async def refresh(body: RefreshRequest, deps: DepsDep, response: Response) -> sessions.TokenPair:
    """Public: trade a refresh token (single use) for a new pair."""
    response.headers.update(NO_STORE)
    return await sessions.refresh(deps, body.refresh_token)


@router.post(
    "/auth/sign-out", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out (revoke refresh)"
)
async def sign_out(body: RefreshRequest, caller: CurrentCaller, deps: DepsDep) -> None:
    """Any signed-in user: revoke the session that refresh token belongs to (own only)."""
    await sessions.sign_out(deps, caller, body.refresh_token)
