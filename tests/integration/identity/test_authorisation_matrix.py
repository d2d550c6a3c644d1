"""Every endpoint × org type × role × (owner / not owner) gets exactly the allowed status,
and every non-public endpoint answers 401 without a token or with an expired, tampered,
wrong-key or unknown-key token.

"Owner" means: the target organisation is the caller's own; for a district government and
the tier endpoints it means an enterprise in its district. Tier endpoints aimed at a
caller's own non-enterprise organisation answer 404 once authorisation has passed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from services.identity.domain.keys import generate_signing_key, sign_access_token
from shared.auth import Caller, OrgType, Role, public_routes, undeclared_routes
from tests.integration.identity.conftest import PASSWORD, Identity, bearer
from tests.support.problems import code_of, fields_of

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CERT = {"number": "GR202211001234", "expires_on": "2030-12-01"}
PROFILES: dict[OrgType, dict[str, Any]] = {
    OrgType.enterprise: {
        "type": "enterprise", "name": "矩阵测试企业甲", "credit_code": "91110108551385082Q",
        "district": "haidian", "founding_date": "2015-03-01", "domains": ["ai"],
        "high_tech_certificate": CERT,
    },
    OrgType.university: {"type": "university", "name": "矩阵测试大学", "kind": "university"},
    OrgType.soe: {"type": "soe", "name": "矩阵测试国企"},
    OrgType.government: {
        "type": "government", "name": "海淀区人民政府", "kind": "district", "district": "haidian"
    },
    OrgType.investor: {"type": "investor", "name": "矩阵测试基金", "fund_type": "vc"},
    OrgType.headhunter: {
        "type": "headhunter", "name": "矩阵测试猎头", "licence_number": "京人服证字2021第01号"
    },
}  # fmt: skip
OTHER_ENTERPRISE = {
    **PROFILES[OrgType.enterprise], "name": "矩阵测试企业乙", "district": "chaoyang",
    "credit_code": "91110000802100433B",
}  # fmt: skip


@dataclass
class Case:
    org_type: OrgType
    role: Role
    owner: bool
    token: str
    org_id: str
    target: str  # organisation-scoped endpoints
    tier_target: str  # enterprise-scoped endpoints


@dataclass
class World:
    identity: Identity
    operator_token: str
    enterprise_ids: set[str]
    cases: list[Case]


@pytest.fixture(scope="module")
async def world(identity: Identity) -> World:
    operator_org, operator_token = await identity.bootstrap_operator()
    orgs: dict[OrgType, str] = {OrgType.operator: operator_org}
    admins: dict[OrgType, str] = {}
    for org_type, profile in PROFILES.items():
        orgs[org_type], admins[org_type] = await identity.register(operator_token, profile)
    other, _ = await identity.register(operator_token, OTHER_ENTERPRISE)
    tokens: dict[tuple[OrgType, Role], str] = {}
    for org_type, org_id in orgs.items():
        member = f"member-{uuid.uuid4().hex[:8]}@test.duijie.local"
        response = await identity.client.post(
            f"/organisations/{org_id}/users",
            json={"name": "成员", "email": member, "password": PASSWORD, "role": "member"},
            headers=bearer(operator_token),
        )
        assert response.status_code == 201, response.text
        tokens[(org_type, Role.member)] = await identity.token(member)
        if org_type in admins:
            tokens[(org_type, Role.admin)] = await identity.token(admins[org_type])
    tokens[(OrgType.operator, Role.admin)] = operator_token
    cases = []
    for (org_type, role), token in tokens.items():
        own = orgs[org_type]
        district_enterprise = orgs[OrgType.enterprise] if org_type is OrgType.government else own
        cases.append(Case(org_type, role, True, token, own, own, district_enterprise))
        cases.append(Case(org_type, role, False, token, own, other, other))
    return World(identity, operator_token, {orgs[OrgType.enterprise], other}, cases)


def is_op(c: Case) -> bool:
    return c.org_type is OrgType.operator


def _unique_email() -> str:
    return f"u-{uuid.uuid4().hex[:10]}@test.duijie.local"


async def tier_change_body(w: World, enterprise_id: str) -> dict[str, Any]:
    """Add to 小升规 if it is not on it, else remove: an allowed call always succeeds."""
    response = await w.identity.client.get(
        f"/enterprises/{enterprise_id}/tiers", headers=bearer(w.operator_token)
    )
    on = response.status_code == 200 and any(
        t["tier"] == "small_to_scale" for t in response.json()["tiers"]
    )
    return {"tier": "small_to_scale", "action": "remove" if on else "add", "reason": "矩阵测试"}


Request = Callable[[World, Case], Awaitable[tuple[str, str, dict[str, Any] | None]]]
Expect = Callable[[World, Case], int]


async def _static(method: str, path: str, body: dict[str, Any] | None = None):
    return method, path, body


ENDPOINTS: dict[str, tuple[Request, Expect]] = {
    "POST /auth/sign-out": (
        lambda w, c: _static("POST", "/auth/sign-out", {"refresh_token": "x" * 43}),
        lambda w, c: 204,
    ),
    "GET /me": (lambda w, c: _static("GET", "/me"), lambda w, c: 200),
    "POST /me/password": (  # wrong current password: reaches the check, changes nothing
        lambda w, c: _static(
            "POST",
            "/me/password",
            {"current_password": "wrong-Passw0rd", "new_password": "New-Passw0rd-1"},
        ),
        lambda w, c: 422,
    ),
    "POST /organisations": (
        lambda w, c: _static(
            "POST",
            "/organisations",
            {
                "organisation": {"type": "soe", "name": f"新国企{uuid.uuid4().hex[:6]}"},
                "admin": {"name": "管理员", "email": _unique_email(), "password": PASSWORD},
            },
        ),
        lambda w, c: 201 if is_op(c) else 403,
    ),
    "GET /organisations": (
        lambda w, c: _static("GET", "/organisations"),
        lambda w, c: 200 if is_op(c) or c.org_type is OrgType.government else 403,
    ),
    "GET /organisations/{organisation_id}": (
        lambda w, c: _static("GET", f"/organisations/{c.target}"),
        lambda w, c: 200,
    ),
    "PATCH /organisations/{organisation_id}": (
        lambda w, c: _static(
            "PATCH", f"/organisations/{c.target}", {"name": f"改名{uuid.uuid4().hex[:6]}"}
        ),
        lambda w, c: 200 if is_op(c) or (c.owner and c.role is Role.admin) else 403,
    ),
    "GET /organisations/{organisation_id}/users": (
        lambda w, c: _static("GET", f"/organisations/{c.target}/users"),
        lambda w, c: 200 if is_op(c) or c.owner else 403,
    ),
    "POST /organisations/{organisation_id}/users": (
        lambda w, c: _static(
            "POST",
            f"/organisations/{c.target}/users",
            {"name": "新成员", "email": _unique_email(), "password": PASSWORD},
        ),
        lambda w, c: 201 if is_op(c) or (c.owner and c.role is Role.admin) else 403,
    ),
    # every organisation here is verified already: an operator reaches the state check (409)
    "POST /organisations/{organisation_id}/verify": (
        lambda w, c: _static("POST", f"/organisations/{c.target}/verify"),
        lambda w, c: 409 if is_op(c) else 403,
    ),
    "POST /organisations/{organisation_id}/reject": (
        lambda w, c: _static("POST", f"/organisations/{c.target}/reject", {"reason": "矩阵测试"}),
        lambda w, c: 409 if is_op(c) else 403,
    ),
    "GET /enterprises/{enterprise_id}/tiers": (
        lambda w, c: _static("GET", f"/enterprises/{c.tier_target}/tiers"),
        lambda w, c: 200 if c.tier_target in w.enterprise_ids else 404,
    ),
    "GET /enterprises/{enterprise_id}/tiers/history": (
        lambda w, c: _static("GET", f"/enterprises/{c.tier_target}/tiers/history"),
        lambda w, c: (
            (200 if c.tier_target in w.enterprise_ids else 404)
            if is_op(c) or c.tier_target == c.org_id
            else 403
        ),
    ),
    "POST /enterprises/{enterprise_id}/tier-changes": (
        lambda w, c: _tier_change(w, c),
        lambda w, c: (
            (201 if c.tier_target in w.enterprise_ids else 404)
            if is_op(c)
            else 201
            if c.org_type is OrgType.government and c.owner
            else 403
        ),
    ),
}


async def _tier_change(w: World, c: Case) -> tuple[str, str, dict[str, Any]]:
    body = await tier_change_body(w, c.tier_target)
    return "POST", f"/enterprises/{c.tier_target}/tier-changes", body


PUBLIC = {
    "GET /.well-known/jwks.json", "POST /auth/token", "POST /auth/refresh",
    "POST /sign-up", "POST /sign-up/confirm", "POST /sign-up/resend",
}  # fmt: skip


def test_every_route_is_declared_and_covered(identity: Identity) -> None:
    assert undeclared_routes(identity.app) == []
    assert set(public_routes(identity.app)) == PUBLIC
    from shared.auth import DEFAULT_PUBLIC_PATHS, api_routes

    routes = {f"{m} {p}" for p, ms, _ in api_routes(identity.app) for m in ms} - {
        f"{m} {p}" for p, ms, _ in api_routes(identity.app) for m in ms if p in DEFAULT_PUBLIC_PATHS
    }
    assert routes - PUBLIC == set(ENDPOINTS), "every endpoint must be in the matrix"


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
async def test_matrix(world: World, endpoint: str) -> None:
    build, expect = ENDPOINTS[endpoint]
    failures = []
    for case in world.cases:
        method, path, body = await build(world, case)
        response = await world.identity.client.request(
            method, path, json=body, headers=bearer(case.token)
        )
        wanted = expect(world, case)
        if response.status_code != wanted:
            failures.append(
                f"{case.org_type}/{case.role}/{'owner' if case.owner else 'other'}: "
                f"{response.status_code} != {wanted} {response.text[:200]}"
            )
        if response.status_code == 403:
            assert fields_of(response.json()) and code_of(response.json())
    assert not failures, "\n".join(failures)


async def bad_tokens(identity: Identity) -> dict[str, str | None]:
    key = (await identity.deps.repos.keys.newest(1))[0]
    caller = Caller(user_id="u", organisation_id="o", org_type=OrgType.operator, role=Role.admin)
    settings = identity.deps.settings

    def sign(k, ago: float = 0) -> str:
        return sign_access_token(
            k, caller, now=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=ago),
            ttl=dt.timedelta(minutes=15), issuer=settings.issuer, audience=settings.audience,
        )  # fmt: skip

    valid = sign(key)
    head, payload, sig = valid.split(".")
    stranger = generate_signing_key(dt.datetime.now(dt.UTC))
    return {
        "none": None,
        "expired": sign(key, ago=3600),
        "tampered": f"{head}.{payload[:-4]}AAAA.{sig}",
        "wrong key, known kid": sign(stranger.model_copy(update={"kid": key.kid})),
        "unknown kid": sign(stranger),
        "garbage": "garbage",
    }


async def test_401_without_a_valid_token(world: World) -> None:
    identity = world.identity
    tokens = await bad_tokens(identity)
    case = world.cases[0]
    for endpoint, (build, _) in ENDPOINTS.items():
        method, path, body = await build(world, case)
        for label, token in tokens.items():
            headers = bearer(token) if token else {}
            response = await identity.client.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (endpoint, label, response.text)
            assert fields_of(response.json()) == ["Authorization"]


async def test_public_endpoints_need_no_token(world: World) -> None:
    client = world.identity.client
    assert (await client.get("/.well-known/jwks.json")).status_code == 200
    assert (await client.get("/healthz")).status_code == 200
    bad = await client.post(
        "/auth/token", json={"email": "nobody@test.duijie.local", "password": "x"}
    )
    assert bad.status_code == 401 and code_of(bad.json()) == "invalid_credentials"
    refresh = await client.post("/auth/refresh", json={"refresh_token": "y" * 43})
    assert refresh.status_code == 401
