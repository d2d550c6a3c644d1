"""Sign-in, refresh rotation and reuse detection, throttling, key rotation over HTTP."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest

from services.identity.usecases import keys as key_uc
from tests.integration.identity.conftest import PASSWORD, Identity, bearer
from tests.support.problems import code_of

pytestmark = pytest.mark.integration


async def new_user(identity: Identity) -> str:
    _, op = await identity.bootstrap_operator()
    _, email = await identity.register(op, {"type": "soe", "name": "会话测试国企"})
    return email


async def test_refresh_tokens_are_single_use_and_reuse_revokes_the_family(
    identity: Identity,
) -> None:
    email = await new_user(identity)
    first = (
        await identity.client.post("/auth/token", json={"email": email, "password": PASSWORD})
    ).json()
    assert first["token_type"] == "bearer" and first["expires_in"] == 900
    second = await identity.client.post(
        "/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    assert second.headers["cache-control"] == "no-store"
    replay = await identity.client.post(
        "/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 401
    # the legitimate holder of the second token is signed out too (stolen-token defence)
    after = await identity.client.post(
        "/auth/refresh", json={"refresh_token": second.json()["refresh_token"]}
    )
    assert after.status_code == 401


async def test_sign_out_revokes_the_refresh_token(identity: Identity) -> None:
    email = await new_user(identity)
    pair = (
        await identity.client.post("/auth/token", json={"email": email, "password": PASSWORD})
    ).json()
    out = await identity.client.post(
        "/auth/sign-out",
        json={"refresh_token": pair["refresh_token"]},
        headers=bearer(pair["access_token"]),
    )
    assert out.status_code == 204
    again = await identity.client.post(
        "/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert again.status_code == 401


async def test_repeated_failures_are_throttled_even_for_the_right_password(
    identity: Identity,
) -> None:
    email = await new_user(identity)
    limit = identity.deps.settings.signin_max_failures
    for _ in range(limit):
        wrong = await identity.client.post(
            "/auth/token", json={"email": email, "password": "Wrong-pass-123"}
        )
        assert wrong.status_code == 401
    locked = await identity.client.post("/auth/token", json={"email": email, "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert code_of(locked.json()) == "too_many_failed_sign_ins"
    try:
        identity.clock.offset = dt.timedelta(
            seconds=identity.deps.settings.signin_lockout_seconds + 1
        )
        ok = await identity.client.post("/auth/token", json={"email": email, "password": PASSWORD})
    finally:
        identity.clock.offset = dt.timedelta()
    assert ok.status_code == 200


async def test_key_rotation_keeps_old_tokens_until_they_expire(identity: Identity) -> None:
    email = await new_user(identity)
    old = await identity.token(email)
    old_kid = jwt.get_unverified_header(old)["kid"]
    await key_uc.rotate_keys(identity.deps, force=True)
    new = await identity.token(email)
    new_kid = jwt.get_unverified_header(new)["kid"]
    assert new_kid != old_kid
    published = {
        k["kid"] for k in (await identity.client.get("/.well-known/jwks.json")).json()["keys"]
    }
    assert published == {old_kid, new_kid}
    jwks = (await identity.client.get("/.well-known/jwks.json")).json()["keys"]
    assert all("d" not in k for k in jwks)  # no private part
    assert (await identity.client.get("/me", headers=bearer(old))).status_code == 200
    assert (await identity.client.get("/me", headers=bearer(new))).status_code == 200
    await key_uc.rotate_keys(identity.deps, force=True)  # old key drops out of the JWKS
    await identity.app.state.token_verifier.keys.refresh(force=True)  # as when the cache TTL ends
    assert (await identity.client.get("/me", headers=bearer(old))).status_code == 401
    assert (await identity.client.get("/me", headers=bearer(new))).status_code == 200


async def test_rotation_without_force_refuses_a_young_key(identity: Identity) -> None:
    from services.identity.errors import IdentityError

    await key_uc.rotate_keys(identity.deps, force=True)
    with pytest.raises(IdentityError) as info:
        await key_uc.rotate_keys(identity.deps)
    assert info.value.status == 409
