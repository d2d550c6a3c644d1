"""shared.auth: local verification against a cached JWKS, key rotation, and the
FastAPI dependencies every service uses."""

import base64
import datetime as dt
import json
from typing import Annotated

import httpx
import jwt
import pytest
from fastapi import Depends, FastAPI

from services.identity.domain.keys import generate_signing_key, jwks, sign_access_token
from shared.auth import (
    PUBLIC,
    Caller,
    CurrentCaller,
    InvalidToken,
    JWKSCache,
    OrgType,
    Role,
    TokenVerifier,
    ensure_owner,
    install_verifier,
    require_org_types,
    require_role,
    undeclared_routes,
)
from shared.errors import ForbiddenError
from shared.web import install_error_handlers
from tests.support.problems import code_of

pytestmark = pytest.mark.unit

CALLER = Caller(
    user_id="u1",
    user_name="张伟",
    organisation_id="org-1",
    org_type=OrgType.government,
    role=Role.admin,
    district="haidian",
    government_kind="district",
)


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class KeyServer:
    """A JWKS source whose keys the test rotates; counts fetches."""

    def __init__(self) -> None:
        self.keys = [generate_signing_key(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))]
        self.fetches = 0

    def rotate(self) -> None:
        newest = max(k.created_at for k in self.keys)
        self.keys.append(generate_signing_key(newest + dt.timedelta(days=1)))

    async def __call__(self) -> dict:
        self.fetches += 1
        return jwks(self.keys)

    def token(self, key=None, *, caller: Caller = CALLER, ago: float = 0, ttl: float = 900) -> str:
        key = key or max(self.keys, key=lambda k: k.created_at)
        now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=ago)
        return sign_access_token(
            key,
            caller,
            now=now,
            ttl=dt.timedelta(seconds=ttl),
            issuer="duijie-identity",
            audience="duijie",
        )


@pytest.fixture
def server() -> KeyServer:
    return KeyServer()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def verifier(server: KeyServer, clock: FakeClock) -> TokenVerifier:
    return TokenVerifier(JWKSCache(server, ttl=300, min_refresh_interval=10, clock=clock))


async def reason_of(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(InvalidToken) as info:
        await verifier.verify(token)
    return info.value.reason


async def test_valid_token_yields_the_caller(server: KeyServer, verifier: TokenVerifier) -> None:
    assert await verifier.verify(server.token()) == CALLER


async def test_expired_tampered_and_malformed_tokens(
    server: KeyServer, verifier: TokenVerifier
) -> None:
    assert await reason_of(verifier, server.token(ago=3600)) == "expired_token"
    header, payload, signature = server.token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["org_type"] = "operator"  # privilege escalation attempt
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert await reason_of(verifier, f"{header}.{forged}.{signature}") == "invalid_token"
    assert await reason_of(verifier, "not-a-jwt") == "malformed_token"


async def test_wrong_key_with_a_known_kid_is_rejected(
    server: KeyServer, verifier: TokenVerifier
) -> None:
    impostor = generate_signing_key(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    impostor = impostor.model_copy(update={"kid": server.keys[0].kid})
    assert await reason_of(verifier, server.token(impostor)) == "invalid_token"


async def test_unsigned_and_wrong_audience_tokens_are_rejected(
    server: KeyServer, verifier: TokenVerifier
) -> None:
    unsigned = jwt.encode(
        {**CALLER.to_claims(), "exp": 9999999999}, key=None, algorithm="none",
        headers={"kid": server.keys[0].kid, "typ": "at+jwt"},
    )  # fmt: skip
    assert await reason_of(verifier, unsigned) == "wrong_algorithm"
    other = TokenVerifier(verifier.keys, audience="someone-else")
    assert await reason_of(other, server.token()) == "invalid_token"


async def test_key_rotation_keeps_previous_key_until_its_tokens_expire(
    server: KeyServer, verifier: TokenVerifier, clock: FakeClock
) -> None:
    old_token = server.token()
    assert await verifier.verify(old_token) == CALLER
    server.rotate()
    new_token = server.token()
    clock.t += 11  # past the refresh rate limit
    # unknown kid → one refresh → the new key is known, the previous one still is
    assert await verifier.verify(new_token) == CALLER
    assert await verifier.verify(old_token) == CALLER
    server.rotate()  # the first key is no longer published
    clock.t += 301  # cache goes stale and is refreshed
    assert await reason_of(verifier, old_token) == "unknown_key"


async def test_unknown_kid_refreshes_at_most_once_per_interval(
    server: KeyServer, verifier: TokenVerifier, clock: FakeClock
) -> None:
    await verifier.verify(server.token())
    assert server.fetches == 1
    stranger = generate_signing_key(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    for _ in range(20):
        assert await reason_of(verifier, server.token(stranger)) == "unknown_key"
    assert server.fetches == 1  # inside the rate-limit window: no refetch at all
    clock.t += 10
    assert await reason_of(verifier, server.token(stranger)) == "unknown_key"
    assert server.fetches == 2


async def test_cache_keeps_keys_when_the_jwks_endpoint_fails(
    server: KeyServer, clock: FakeClock
) -> None:
    calls = {"n": 0}

    async def flaky() -> dict:
        calls["n"] += 1
        if calls["n"] > 1:
            raise httpx.ConnectError("down")
        return await server()

    verifier = TokenVerifier(JWKSCache(flaky, ttl=5, min_refresh_interval=1, clock=clock))
    token = server.token()
    assert await verifier.verify(token) == CALLER
    clock.t += 60
    assert await verifier.verify(token) == CALLER


def test_ensure_owner() -> None:
    ensure_owner(CALLER, "org-1")
    with pytest.raises(ForbiddenError) as info:
        ensure_owner(CALLER, "org-2")
    assert info.value.status == 403 and info.value.code == "not_owner"
    with pytest.raises(ForbiddenError):
        ensure_owner(CALLER.model_copy(update={"role": Role.member}), "org-1", roles=[Role.admin])
    operator = CALLER.model_copy(update={"org_type": OrgType.operator})
    ensure_owner(operator, "org-2")
    with pytest.raises(ForbiddenError):
        ensure_owner(operator, "org-2", operators=False)


def make_app(server: KeyServer) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)  # 401/403 are problem details like every error
    install_verifier(app, TokenVerifier(JWKSCache(server)))
    GovOnly = Annotated[Caller, Depends(require_org_types(OrgType.government))]
    AdminOnly = Annotated[Caller, Depends(require_role(Role.admin))]

    @app.get("/open", dependencies=[PUBLIC])
    async def open_() -> dict:
        return {}

    @app.get("/mine")
    async def mine(caller: CurrentCaller) -> dict:
        return caller.model_dump()

    @app.get("/gov")
    async def gov(caller: GovOnly) -> dict:
        return {}

    @app.get("/admin")
    async def admin(caller: AdminOnly) -> dict:
        return {}

    return app


async def test_dependencies_over_http(server: KeyServer) -> None:
    app = make_app(server)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/open")).status_code == 200
        response = await client.get("/mine")
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert code_of(response.json()) == "missing_token"
        problem = response.json()  # the house shape, with the field named
        assert problem["errors"][0]["field"] == "Authorization" and problem["status"] == 401
        assert response.headers["content-type"].startswith("application/problem+json")
        english = await client.get("/mine", headers={"Accept-Language": "en"})
        assert english.json()["errors"][0]["message"] == "sign-in required"
        bad = await client.get("/mine", headers={"Authorization": "Bearer x.y.z"})
        assert bad.status_code == 401
        auth = {"Authorization": f"Bearer {server.token()}"}
        assert (await client.get("/mine", headers=auth)).json()["organisation_id"] == "org-1"
        assert (await client.get("/gov", headers=auth)).status_code == 200
        assert (await client.get("/admin", headers=auth)).status_code == 200
        member = server.token(caller=CALLER.model_copy(update={"role": Role.member}))
        member_auth = {"Authorization": f"Bearer {member}"}
        assert (await client.get("/admin", headers=member_auth)).status_code == 403
        soe = server.token(caller=CALLER.model_copy(update={"org_type": OrgType.soe}))
        denied = await client.get("/gov", headers={"Authorization": f"Bearer {soe}"})
        assert denied.status_code == 403
        assert code_of(denied.json()) == "org_type_not_allowed"


def test_undeclared_routes_are_reported(server: KeyServer) -> None:
    app = make_app(server)
    assert undeclared_routes(app) == []

    @app.get("/forgotten")
    async def forgotten() -> dict:
        return {}

    assert undeclared_routes(app) == ["GET /forgotten"]
