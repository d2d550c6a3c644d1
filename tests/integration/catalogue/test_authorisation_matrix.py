"""Every route x organisation type x (owner / not owner) gets exactly the allowed status,
and every route answers 401 without a token or with a broken one.

Each request gets a fresh world made through the use cases: the owning enterprise's draft,
submitted and approved applications, an open and a frozen edition on the edition in force,
a listed product of its own, the owning SOE's needs with a proposed and an accepted
docking, and a launch event the owning SOE is registered for. "Owner" is that enterprise
or that SOE; "not owner" another one of the same type. Other types have no stake.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from services.catalogue import events
from services.catalogue.domain import editions as edition_domain
from services.catalogue.domain import products as product_domain
from services.catalogue.domain.applications import ProductSpec
from services.catalogue.domain.dockings import AcceptIn, DockingIn
from services.catalogue.domain.editions import EditionIn, Entry
from services.catalogue.domain.launches import LaunchIn
from services.catalogue.domain.needs import NeedSpec
from services.catalogue.usecases import applications, dockings, editions, launches, needs
from shared.auth import DEFAULT_PUBLIC_PATHS, Caller, OrgType, api_routes
from tests.integration.catalogue.conftest import CL, launch_body, need_body, product_body
from tests.support.auth import bearer, make_caller

pytestmark = [pytest.mark.integration, pytest.mark.slow]
E, SOE, GOV, OP = OrgType.enterprise, OrgType.soe, OrgType.government, OrgType.operator
OTHERS = [OrgType.university, OrgType.investor, OrgType.headhunter]
ROWS = ["E+", "E-", "S+", "S-", "OP", "GOV", *[t.value for t in OTHERS]]


@dataclass
class World:
    ent: Caller
    soe: Caller
    vals: dict[str, str]


async def _listed(cl: CL, owner: Caller) -> str:
    """A listed product of ``owner`` written straight through the store (cheap)."""
    d, now = cl.deps, cl.deps.now()
    spec = ProductSpec(**product_body(first_of_kind=False))
    pid = f"prod-{uuid.uuid4().hex[:12]}"
    entry = Entry(product_id=pid, owner_org_id=owner.organisation_id, application_id="x",
                  spec=spec, digest=edition_domain.digest(spec))  # fmt: skip
    t = product_domain.apply_entry(None, entry, "m", now + dt.timedelta(days=30), now)
    assert t is not None
    await d.repos.products.create(pid, t.entity, events.product_events(t.entity, t.events))
    return pid


async def build(cl: CL, base: dict[str, Any], wanted: set[str] | None = None) -> World:
    """The world a route needs (``wanted`` placeholders; None: all of them)."""
    d, ent, soe = cl.deps, base["ent"], base["soe"]
    spec = ProductSpec(**product_body(first_of_kind=False))
    vals: dict[str, str] = {"published": base["published"], "pid": base["pid"],
                            "soe_org": soe.organisation_id}  # fmt: skip

    def want(*keys: str) -> bool:
        return wanted is None or bool(wanted & set(keys))

    async def application(step: int) -> str:
        a = await applications.create(d, ent, spec, None)
        if step >= 1:
            await applications.submit(d, ent, a.id)
        if step >= 2:
            await applications.review(d, a.id, "approve", [])
        return a.id

    async def need() -> str:
        return (await needs.post(d, soe, NeedSpec(**need_body()))).id

    n = uuid.uuid4().hex[:8]
    if want("app"):
        vals["app"] = await application(0)
    if want("app_sub"):
        vals["app_sub"] = await application(1)
    if want("app_ok"):
        vals["app_ok"] = await application(2)
    if want("open"):
        vals["open"] = (await editions.open_edition(d, EditionIn(code=f"o-{n}", title="t"))).id
    if want("frozen"):
        frozen = await editions.open_edition(d, EditionIn(code=f"f-{n}", title="t"))
        vals["frozen"] = (await editions.freeze(d, frozen.id)).id
    if want("need"):
        vals["need"] = await need()
    if want("need2"):
        vals["need2"] = await need()
    if want("dk"):
        vals["dk"] = (
            await dockings.propose(d, soe, await need(), DockingIn(product_id=base["pid"]))
        ).id
    if want("dk_acc"):
        dk = await dockings.propose(d, soe, await need(), DockingIn(product_id=base["pid"]))
        meet = AcceptIn(meeting_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
        vals["dk_acc"] = (await dockings.accept(d, ent, dk.id, meet)).id
    if want("ev"):
        body = LaunchIn(**launch_body([base["pid"]], capacity=50))
        ev = await launches.schedule(d, cl.operator, body)
        await launches.register(d, soe, ev.id)
        vals["ev"] = ev.id
    if want("mine"):
        vals["mine"] = await _listed(cl, ent)
    return World(ent, soe, vals)


def placeholders(*parts: Any) -> set[str]:
    return set(re.findall(r"{(\w+)}", json.dumps(parts, ensure_ascii=False)))


R = dict[str, int]


def expect(
    e_own: int, e_other: int, s_own: int, s_other: int, op: int, gov: int = 403, rest: int = 403
) -> R:
    return {"E+": e_own, "E-": e_other, "S+": s_own, "S-": s_other, "OP": op, "GOV": gov,
            **{t.value: rest for t in OTHERS}}  # fmt: skip


ALL = expect(200, 200, 200, 200, 200, 200, 200)
OPERATOR = expect(403, 403, 403, 403, 200)
ENT_OWN = expect(200, 404, 403, 403, 403)
SOE_OWN = expect(403, 403, 200, 404, 403)
REASON = {"reason": "测试原因"}
MEET = {"meeting_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=5)).isoformat()}

ROUTES: list[tuple[str, str, Any, R]] = [
    ("POST", "/applications", product_body(), expect(201, 201, 403, 403, 403)),
    ("GET", "/applications", None, expect(200, 200, 403, 403, 200)),
    ("GET", "/applications/{app}", None, expect(200, 404, 403, 403, 200)),
    ("PUT", "/applications/{app}", product_body(title="改"), ENT_OWN),
    ("POST", "/applications/{app}/submit", None, ENT_OWN),
    ("POST", "/applications/{app_sub}/review", {"decision": "approve"}, OPERATOR),
    ("POST", "/editions", {"code": "c-{n}", "title": "批次"}, expect(403, 403, 403, 403, 201)),
    ("GET", "/editions", None, ALL),
    ("GET", "/editions/current", None, ALL),
    ("GET", "/editions/{published}", None, ALL),
    ("GET", "/editions/{published}/diff", None, ALL),
    ("POST", "/editions/{open}/entries", {"application_id": "{app_ok}"}, OPERATOR),
    ("POST", "/editions/{open}/entries/{pid}/remove", REASON, OPERATOR),
    ("POST", "/editions/{open}/freeze", None, OPERATOR),
    ("POST", "/editions/{frozen}/publish", None, OPERATOR),
    ("GET", "/products", None, ALL),
    ("GET", "/products/{pid}", None, ALL),
    ("POST", "/products/{mine}/delist", REASON, expect(200, 404, 403, 403, 200)),
    ("POST", "/needs", need_body(), expect(403, 403, 201, 201, 403)),
    ("GET", "/needs", None, ALL),
    ("GET", "/needs/{need}", None, ALL),
    ("PUT", "/needs/{need}", need_body(title="改"), SOE_OWN),
    ("POST", "/needs/{need}/withdraw", REASON, SOE_OWN),
    ("POST", "/needs/{need2}/dockings", {"product_id": "{pid}"}, expect(403, 403, 201, 404, 403)),
    ("GET", "/dockings", None, expect(200, 200, 200, 200, 200)),
    ("GET", "/dockings/{dk}", None, expect(200, 404, 200, 404, 200)),
    ("POST", "/dockings/{dk}/accept", MEET, ENT_OWN),
    ("POST", "/dockings/{dk}/decline", REASON, ENT_OWN),
    ("POST", "/dockings/{dk_acc}/outcome", {"purchased": True, "amount_cny": 9}, SOE_OWN),
    ("GET", "/first-purchases", None, expect(403, 403, 403, 403, 200, 200)),
    ("POST", "/launches", None, expect(403, 403, 403, 403, 201)),
    ("GET", "/launches", None, ALL),
    ("GET", "/launches/{ev}", None, ALL),
    ("POST", "/launches/{ev}/cancel", None, OPERATOR),
    ("POST", "/launches/{ev}/registrations", None, expect(201, 201, 409, 201, 201, 201, 201)),
    ("GET", "/launches/{ev}/registrations/mine", None, expect(404, 404, 200, 404, 404, 404, 404)),
    (
        "DELETE",
        "/launches/{ev}/registrations/mine",
        None,
        expect(404, 404, 200, 404, 404, 404, 404),
    ),
    ("GET", "/launches/{ev}/registrations", None, OPERATOR),
    ("GET", "/launches/{ev}/seats", None, OPERATOR),
    ("POST", "/launches/{ev}/registrations/{soe_org}/check-in", None, OPERATOR),
    ("POST", "/launches/{ev}/hold", None, expect(403, 403, 403, 403, 409)),  # not started yet
    ("GET", "/leads", None, expect(200, 200, 403, 403, 200)),
]


def _fill(value: Any, w: World) -> Any:
    if isinstance(value, str):
        return value.format(n=uuid.uuid4().hex[:8], **w.vals)
    if isinstance(value, dict):
        return {k: _fill(v, w) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, w) for v in value]
    return value


@pytest.fixture(scope="module")
async def base(cl: CL) -> dict[str, Any]:
    ent, soe = make_caller(E), make_caller(SOE)
    pid = await cl.listed(ent, first_of_kind=False)
    current = await cl.ok(ent, "GET", "/editions/current")
    return {"ent": ent, "soe": soe, "pid": pid, "published": current["id"]}


def test_every_route_is_in_the_matrix(cl: CL) -> None:
    listed = {(m, p) for m, p, _, _ in ROUTES}
    found = [(m, p) for p, methods, _ in api_routes(cl.app) if p not in DEFAULT_PUBLIC_PATHS
             for m in methods]  # fmt: skip
    assert len(found) == len(listed) == len(ROUTES)


@pytest.mark.parametrize(
    ("route", "row"), list(itertools.product(range(len(ROUTES)), ROWS)), ids=lambda v: str(v)
)
async def test_route_answers_each_caller_as_allowed(
    cl: CL, base: dict[str, Any], route: int, row: str
) -> None:
    method, path, body, expected = ROUTES[route]
    w = await build(cl, base, placeholders(path, body))
    named = {"E+": w.ent, "E-": make_caller(E), "S+": w.soe, "S-": make_caller(SOE),
             "OP": cl.operator, "GOV": make_caller(GOV)}  # fmt: skip
    caller = named.get(row) or make_caller(OrgType(row))
    if path == "/launches":
        body = launch_body([w.vals["pid"]])
    response = await cl.call(caller, method, _fill(path, w), _fill(body, w))
    assert response.status_code == expected[row], (method, path, row, response.text[:300])


async def test_every_route_refuses_missing_and_broken_tokens(cl: CL, base: dict[str, Any]) -> None:
    w = await build(cl, base)
    bad = cl.mint.bad_tokens(make_caller(E))
    for method, path, body, _ in ROUTES:
        for name, token in bad.items():
            response = await cl.client.request(
                method, _fill(path, w), json=_fill(body, w), headers=bearer(token)
            )
            assert response.status_code == 401, (method, path, name)
