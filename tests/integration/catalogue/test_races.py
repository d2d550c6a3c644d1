"""Races on the real engines: every conditional change has exactly one winner and one
event. Seats never overbook and promotions follow the waitlist's order; two publishers of
an edition, five reviewers of an application, five identical docking proposals and two
first purchases of one 首台套 product each end with one winner."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from shared.auth import OrgType
from tests.integration.catalogue.conftest import (
    CL,
    launch_body,
    need_body,
    of_type,
    product_body,
    wait_for_events,
)
from tests.support.auth import make_caller

pytestmark = pytest.mark.integration


async def test_thirty_registrations_for_three_seats(cl: CL) -> None:
    pid = await cl.listed(make_caller(OrgType.enterprise), first_of_kind=False)
    event = await cl.ok(cl.operator, "POST", "/launches", launch_body([pid], capacity=3))
    path = f"/launches/{event['id']}/registrations"
    guests = [make_caller(OrgType.soe) for _ in range(30)]
    answers = await asyncio.gather(*(cl.call(g, "POST", path) for g in guests))
    assert {r.status_code for r in answers} == {201}
    states = [r.json()["state"] for r in answers]
    assert states.count("registered") == 3 and states.count("waitlisted") == 27
    seats = await cl.ok(cl.operator, "GET", f"/launches/{event['id']}/seats")
    assert seats["held"] == 3 and len(seats["waitlist"]) == 27
    head = seats["waitlist"][:2]
    holders = [g for g, s in zip(guests, states, strict=True) if s == "registered"]
    await asyncio.gather(*(cl.call(h, "DELETE", f"{path}/mine") for h in holders[:2]))
    by_org = {g.organisation_id: g for g in guests}
    after = [await cl.ok(by_org[o], "GET", f"{path}/mine") for o in head]
    assert [a["state"] for a in after] == ["registered", "registered"]
    registered = await cl.ok(cl.operator, "GET", f"{path}?state=registered")
    assert registered["total"] == 3
    seen = await wait_for_events(
        cl, ["registration"], lambda es: len(of_type(es, "catalogue.registration.promoted")) >= 2
    )
    mine = [e for e in seen if e["data"]["event_id"] == event["id"]]
    assert len(of_type(mine, "catalogue.registration.registered")) == 3
    assert len(of_type(mine, "catalogue.registration.promoted")) == 2


async def test_one_registration_per_organisation_under_a_race(cl: CL) -> None:
    pid = await cl.listed(make_caller(OrgType.enterprise), first_of_kind=False)
    event = await cl.ok(cl.operator, "POST", "/launches", launch_body([pid], capacity=5))
    soe = make_caller(OrgType.soe)
    path = f"/launches/{event['id']}/registrations"
    answers = await asyncio.gather(*(cl.call(soe, "POST", path) for _ in range(8)))
    assert sorted(r.status_code for r in answers) == [201] + [409] * 7
    seats = await cl.ok(cl.operator, "GET", f"/launches/{event['id']}/seats")
    assert seats["held"] == 1


async def test_two_publishers_of_one_edition(cl: CL) -> None:
    app = await cl.approved(make_caller(OrgType.enterprise), first_of_kind=False)
    await cl.ok(cl.operator, "POST", "/editions", {"code": "race-pub", "title": "竞态"})
    await cl.ok(cl.operator, "POST", "/editions/race-pub/entries", {"application_id": app["id"]})
    await cl.ok(cl.operator, "POST", "/editions/race-pub/freeze")
    answers = await asyncio.gather(
        *(cl.call(cl.operator, "POST", "/editions/race-pub/publish") for _ in range(4))
    )
    assert sorted(r.status_code for r in answers) == [200, 409, 409, 409]
    seen = await wait_for_events(
        cl, ["edition", "product"],
        lambda es: bool(of_type(es, "catalogue.edition.published", "race-pub"))
        and bool(of_type(es, "catalogue.product.published", app["product_id"])),
    )  # fmt: skip
    assert len(of_type(seen, "catalogue.edition.published", "race-pub")) == 1
    assert len(of_type(seen, "catalogue.product.published", app["product_id"])) == 1


async def test_two_editions_on_one_base_only_one_publishes(cl: CL) -> None:
    for code in ("race-a", "race-b"):
        await cl.ok(cl.operator, "POST", "/editions", {"code": code, "title": code})
        await cl.ok(cl.operator, "POST", f"/editions/{code}/freeze")
    answers = await asyncio.gather(
        *(cl.call(cl.operator, "POST", f"/editions/{c}/publish") for c in ("race-a", "race-b"))
    )
    assert sorted(r.status_code for r in answers) == [200, 409]
    lost = next(r for r in answers if r.status_code == 409)
    assert lost.json()["errors"][0]["code"] in ("edition_stale", "version_conflict")


async def test_five_reviewers_one_decision(cl: CL) -> None:
    ent = make_caller(OrgType.enterprise)
    app = await cl.ok(ent, "POST", "/applications", product_body(first_of_kind=False))
    await cl.ok(ent, "POST", f"/applications/{app['id']}/submit")
    decisions = ["approve", "reject", "return", "approve", "reject"]
    reasons = [{"field": "title", "reason": "不清楚"}]
    answers = await asyncio.gather(*(
        cl.call(cl.operator, "POST", f"/applications/{app['id']}/review",
                {"decision": d, "reasons": reasons})
        for d in decisions
    ))  # fmt: skip
    assert sorted(r.status_code for r in answers) == [200] + [409] * 4
    final = await cl.ok(ent, "GET", f"/applications/{app['id']}")
    assert len(final["rounds"]) == 1 and final["rounds"][0]["decision"] is not None


async def test_identical_docking_proposals_and_two_first_purchases(cl: CL) -> None:
    ent, soe = make_caller(OrgType.enterprise), make_caller(OrgType.soe)
    pid = await cl.listed(ent)  # first-of-a-kind
    need = await cl.ok(soe, "POST", "/needs", need_body())
    path = f"/needs/{need['id']}/dockings"
    answers = await asyncio.gather(
        *(cl.call(soe, "POST", path, {"product_id": pid}) for _ in range(5))
    )
    assert sorted(r.status_code for r in answers) == [201] + [409] * 4
    other = make_caller(OrgType.soe)
    need2 = await cl.ok(other, "POST", "/needs", need_body())
    d1 = next(r for r in answers if r.status_code == 201).json()
    d2 = await cl.ok(other, "POST", f"/needs/{need2['id']}/dockings", {"product_id": pid})
    meet = {"meeting_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()}
    for d in (d1, d2):
        await cl.ok(ent, "POST", f"/dockings/{d['id']}/accept", meet)
    bought = {"purchased": True, "amount_cny": 800000}
    await asyncio.gather(
        cl.ok(soe, "POST", f"/dockings/{d1['id']}/outcome", bought),
        cl.ok(other, "POST", f"/dockings/{d2['id']}/outcome", bought),
    )
    records = await cl.ok(cl.operator, "GET", "/first-purchases?limit=100")
    assert len([r for r in records["items"] if r["product_id"] == pid]) == 1
