"""Every route x organisation type x (owner / not owner) gets exactly the allowed status,
and every route answers 401 without a token or with a broken one.

Each route gets a fresh world made through the use cases: an enterprise with a demand
(count 5), a verified agency holding a claim on it, a submitted candidate with a CV, a
hired one (a placement), and a job fair the enterprise organises and registered for.
"Owner" is that enterprise or that agency; "not owner" another enterprise, or another
verified agency. Other organisation types have no stake, so they get one row. Roles
never change the answer here: any user acts for their organisation.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from services.talent.domain.agencies import AgencyProfileIn
from services.talent.domain.demands import DemandContent
from services.talent.domain.fairs import FairIn
from services.talent.usecases import agencies, candidates, claims, cvs, demands, documents, fairs
from services.talent.usecases.candidates import CandidateIn
from shared.auth import DEFAULT_PUBLIC_PATHS, Caller, OrgType, api_routes
from tests.integration.talent.conftest import PDF, TL, agency_body, candidate_body, demand_body
from tests.support.auth import bearer, make_caller

pytestmark = [pytest.mark.integration, pytest.mark.slow]
E, H, OP = OrgType.enterprise, OrgType.headhunter, OrgType.operator
OTHERS = [OrgType.university, OrgType.soe, OrgType.government, OrgType.investor]
ROWS = ["E+", "E-", "H+", "H-", "OP", *[t.value for t in OTHERS]]


@dataclass
class World:
    ent: Caller
    ag: Caller
    demand: str
    open_demand: str
    claim: str
    cand: str
    placed: str
    fair: str
    fresh_agency: str


def _phone() -> str:
    return "139" + str(uuid.uuid4().int)[:8]


def _person() -> dict[str, Any]:
    return candidate_body(phone=_phone(), email=f"p{uuid.uuid4().hex[:10]}@example.cn")


async def build(tl: TL) -> World:
    d = tl.deps
    ent, ag = make_caller(E), make_caller(H)
    await agencies.register(d, ag, AgencyProfileIn(**agency_body()), None)
    await agencies.verify(d, ag.organisation_id)
    await documents.upload(d, ag, ag.organisation_id, "hr_service_licence", "application/pdf", PDF)
    fresh = make_caller(H)
    await agencies.register(d, fresh, AgencyProfileIn(**agency_body()), None)
    demand = await demands.post(d, ent, DemandContent(**demand_body(count=5)))
    open_demand = await demands.post(d, ent, DemandContent(**demand_body(claim_mode="open")))
    claim = await claims.claim(d, ag, demand.id)
    cand = await candidates.submit(d, ag, demand.id, CandidateIn(**_person()))
    await cvs.upload_cv(d, ag, cand.id, "application/pdf", PDF)
    placed = await candidates.submit(d, ag, demand.id, CandidateIn(**_person()))
    for action in ("shortlist", "interview", "offer", "hire"):
        await candidates.advance(d, ent, placed.id, action)
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    fair = await fairs.publish(
        d,
        ent,
        FairIn(
            title="专场",
            domains=["ic"],
            venue="中关村",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=4),
            capacity=50,
        ),
    )
    await fairs.register(d, ent, fair.id)
    return World(
        ent,
        ag,
        demand.id,
        open_demand.id,
        claim.id,
        cand.id,
        placed.id,
        fair.id,
        fresh.organisation_id,
    )


R = dict[str, int]


def expect(e_owner: int, e_other: int, h_owner: int, h_other: int, op: int, rest: int = 403) -> R:
    return {
        "E+": e_owner,
        "E-": e_other,
        "H+": h_owner,
        "H-": h_other,
        "OP": op,
        **{t.value: rest for t in OTHERS},
    }


ENT_ONLY = expect(200, 404, 403, 403, 403)
MARKET = expect(200, 200, 200, 200, 200)
OPERATOR = expect(403, 403, 403, 403, 200)
ALL = expect(200, 200, 200, 200, 200, 200)
REASON = {"reason": "测试原因"}

# (method, path template, body, expected)
ROUTES: list[tuple[str, str, Any, R]] = [
    ("POST", "/demands", demand_body(), expect(201, 201, 403, 403, 403)),
    ("GET", "/demands", None, MARKET),
    ("GET", "/demands/{demand}", None, expect(200, 404, 200, 200, 200)),
    ("PUT", "/demands/{demand}", demand_body(title="改", count=5), ENT_ONLY),
    ("POST", "/demands/{demand}/withdraw", REASON, ENT_ONLY),
    ("POST", "/demands/{open_demand}/claims", None, expect(403, 403, 201, 201, 403)),
    ("GET", "/claims", None, MARKET),
    ("GET", "/claims/{claim}", None, expect(200, 404, 200, 404, 200)),
    ("POST", "/claims/{claim}/release", None, expect(403, 403, 200, 404, 403)),
    ("POST", "/claims/{claim}/revoke", REASON, ENT_ONLY),
    ("POST", "/agencies", agency_body(org_id="org-new-{n}"), expect(403, 403, 409, 409, 201)),
    ("GET", "/agencies", None, OPERATOR),
    ("GET", "/agencies/me", None, expect(403, 403, 200, 200, 403)),
    ("GET", "/agencies/{ag}", None, expect(403, 403, 200, 404, 200)),
    ("GET", "/agencies/{ag}/record", None, expect(403, 403, 200, 404, 200)),
    ("PUT", "/agencies/{ag}", agency_body(name="新名称"), expect(403, 403, 200, 404, 200)),
    ("PUT", "/agencies/{ag}/documents/other", PDF, expect(403, 403, 200, 404, 200)),
    ("GET", "/agencies/{ag}/documents/hr_service_licence", None, expect(403, 403, 200, 404, 200)),
    ("POST", "/agencies/{fresh_agency}/verify", None, OPERATOR),
    ("POST", "/agencies/{fresh_agency}/suspend", REASON, OPERATOR),
    (
        "POST",
        "/demands/{demand}/candidates",
        candidate_body(phone="{phone}", email="p{n}@example.cn"),
        expect(403, 403, 201, 409, 403),
    ),
    ("GET", "/demands/{demand}/candidates", None, expect(200, 404, 200, 200, 403)),
    ("GET", "/candidates/{cand}", None, expect(200, 404, 200, 404, 403)),
    ("PUT", "/candidates/{cand}/cv", PDF, expect(403, 403, 200, 404, 403)),
    ("GET", "/candidates/{cand}/cv", None, expect(200, 404, 200, 404, 403)),
    ("POST", "/candidates/{cand}/advance", {"action": "shortlist"}, ENT_ONLY),
    ("POST", "/candidates/{cand}/reject", REASON, ENT_ONLY),
    ("POST", "/candidates/{cand}/withdraw", REASON, expect(403, 403, 200, 404, 403)),
    ("GET", "/placements", None, MARKET),
    ("GET", "/placements/export", None, OPERATOR),
    ("GET", "/placements/{placed}", None, expect(200, 404, 200, 404, 200)),
    ("POST", "/placements/{placed}/leaver", REASON, ENT_ONLY),
    ("POST", "/fairs", None, expect(201, 201, 403, 403, 201)),
    ("GET", "/fairs", None, ALL),
    ("GET", "/fairs/{fair}", None, ALL),
    ("POST", "/fairs/{fair}/registrations", None, expect(409, 201, 201, 201, 201, 201)),
    ("DELETE", "/fairs/{fair}/registrations/mine", None, expect(200, 404, 404, 404, 404, 404)),
    ("GET", "/fairs/{fair}/registrations", None, expect(200, 403, 403, 403, 200, 403)),
]


def _fair_body() -> dict[str, Any]:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=9)
    return {
        "title": "人工智能专场",
        "domains": ["ai"],
        "venue": "海淀",
        "capacity": 10,
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
    }


def _fill(value: Any, w: World) -> Any:
    names = {
        "demand": w.demand,
        "open_demand": w.open_demand,
        "claim": w.claim,
        "cand": w.cand,
        "placed": w.placed,
        "fair": w.fair,
        "ag": w.ag.organisation_id,
        "fresh_agency": w.fresh_agency,
        "phone": _phone(),
        "n": uuid.uuid4().hex[:8],
    }
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _fill(v, w) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, w) for v in value]
    return value


def test_every_route_is_in_the_matrix(tl: TL) -> None:
    listed = {(m, p) for m, p, _, _ in ROUTES}
    found = {
        (m, p.replace("{demand_id}", "x").replace("{claim_id}", "x"))
        for p, methods, _ in api_routes(tl.app)
        if p not in DEFAULT_PUBLIC_PATHS
        for m in methods
    }
    assert len(found) == len(listed) == len(ROUTES)


@pytest.mark.parametrize("route", range(len(ROUTES)), ids=lambda i: " ".join(ROUTES[i][:2]))
async def test_route_answers_each_caller_as_allowed(tl: TL, stranger: Caller, route: int) -> None:
    """One world per route; rows run in order (owners act before strangers, and no
    row's answer depends on an earlier row's change)."""
    method, path, body, expected = ROUTES[route]
    w = await build(tl)
    wrong = []
    for row in ROWS:
        caller = {"E+": w.ent, "E-": make_caller(E), "H+": w.ag, "H-": stranger,
                  "OP": tl.operator}.get(row) or make_caller(OrgType(row))  # fmt: skip
        payload = _fair_body() if path == "/fairs" else body
        kw: dict[str, Any] = {}
        if isinstance(payload, bytes):
            kw = {"content": payload, "headers": {"Content-Type": "application/pdf"}}
            payload = None
        response = await tl.call(caller, method, _fill(path, w), _fill(payload, w), **kw)
        if response.status_code != expected[row]:
            wrong.append(f"{row}: {response.status_code} != {expected[row]} {response.text[:200]}")
    assert wrong == [], (method, path, wrong)


@pytest.fixture(scope="module")
async def stranger(tl: TL) -> Caller:
    return await tl.agency()


async def test_every_route_refuses_missing_and_broken_tokens(tl: TL) -> None:
    w = await build(tl)
    bad = tl.mint.bad_tokens(make_caller(E))
    for method, path, body, _ in ROUTES:
        payload = None if isinstance(body, bytes) else _fill(body, w)
        for name, token in bad.items():
            response = await tl.client.request(
                method, _fill(path, w), json=payload, headers=bearer(token)
            )
            assert response.status_code == 401, (method, path, name)
