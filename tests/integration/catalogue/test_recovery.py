"""Crashes between the steps of a use case heal on the next reconcile: a publish that
saved the edition-in-force pointer and the edition but died before listing the products,
a cancel that freed a seat but died before promoting the waitlist's head, and a purchase
of a 首台套 product that died before its first-purchase record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.catalogue import events
from services.catalogue.domain import dockings as dk_domain
from services.catalogue.domain import editions as edition_domain
from services.catalogue.domain import launches as launch_domain
from services.catalogue.domain.dockings import AcceptIn, DockingIn, OutcomeIn
from services.catalogue.domain.editions import Current
from services.catalogue.domain.needs import NeedSpec
from services.catalogue.storage import CURRENT
from services.catalogue.usecases import dockings, editions, launches, needs
from services.catalogue.usecases.sweep import reconcile_once
from shared.auth import OrgType
from shared.store import Versioned
from tests.integration.catalogue.conftest import CL, launch_body, need_body
from tests.support.auth import make_caller

pytestmark = pytest.mark.integration


async def test_a_publish_that_died_before_listing_heals(cl: CL) -> None:
    ent, gov = make_caller(OrgType.enterprise), make_caller(OrgType.government)
    app = await cl.approved(ent, first_of_kind=False, title="断点续传测试产品")
    await cl.ok(cl.operator, "POST", "/editions", {"code": "crash-1", "title": "t"})
    await cl.ok(cl.operator, "POST", "/editions/crash-1/entries", {"application_id": app["id"]})
    await cl.ok(cl.operator, "POST", "/editions/crash-1/freeze")
    d = cl.deps
    # What publish() does up to the crash: the pointer, then the edition; no products.
    found = await d.repos.editions.get("crash-1")
    pointer = await editions.current(d)
    t = edition_domain.publish(found.state, pointer.state, d.now())
    await d.repos.current.save(CURRENT, Current(edition_id="crash-1"), pointer.version)
    await d.repos.editions.save("crash-1", t.entity, found.version,
                                events.edition_events(t.entity, t.events))  # fmt: skip
    assert (await cl.call(gov, "GET", f"/products/{app['product_id']}")).status_code == 404
    healed = await reconcile_once(d)
    assert healed["reapplied"] >= 1
    product = await cl.ok(gov, "GET", f"/products/{app['product_id']}")
    assert product["state"] == "listed" and product["edition_id"] == "crash-1"
    assert (await reconcile_once(d))["reapplied"] == 0  # idempotent


async def test_a_cancel_that_died_before_promoting_heals(cl: CL) -> None:
    pid = await cl.listed(make_caller(OrgType.enterprise), first_of_kind=False)
    event = await cl.ok(cl.operator, "POST", "/launches", launch_body([pid], capacity=1))
    first, second = make_caller(OrgType.soe), make_caller(OrgType.government)
    path = f"/launches/{event['id']}/registrations"
    assert (await cl.ok(first, "POST", path))["state"] == "registered"
    assert (await cl.ok(second, "POST", path))["state"] == "waitlisted"
    d = cl.deps
    e = await launches.get(d, event["id"])
    rid = launch_domain.registration_id(e.id, first.organisation_id)

    def cancel(cur: Versioned[Any]) -> tuple[Any, list[Any]]:
        t = launch_domain.move(cur.state, "cancel", d.now(), seat=None)
        return t.entity, events.registration_events(t.entity, e, t.events)

    await d.repos.registrations.update(rid, cancel, not_found=launches.REGISTRATION)
    await d.repos.units.release(launches.seats(e.id), first.organisation_id)  # then the crash
    assert (await cl.ok(second, "GET", f"{path}/mine"))["state"] == "waitlisted"
    healed = await reconcile_once(d)
    assert healed["promoted"] >= 1
    assert (await cl.ok(second, "GET", f"{path}/mine"))["state"] == "registered"


async def test_a_purchase_that_died_before_its_first_purchase_record_heals(cl: CL) -> None:
    ent, soe = make_caller(OrgType.enterprise), make_caller(OrgType.soe)
    pid = await cl.listed(ent)  # first-of-a-kind
    d = cl.deps
    need = await needs.post(d, soe, NeedSpec(**need_body()))
    dk = await dockings.propose(d, soe, need.id, DockingIn(product_id=pid))
    meet = AcceptIn(meeting_at=d.now() + dt.timedelta(days=1))
    await dockings.accept(d, ent, dk.id, meet)
    outcome = OutcomeIn(purchased=True, amount_cny=500_000)
    # outcome() minus its last step (the record): the crash.
    await dockings._act(
        d, soe, dk.id, "soe_org_id", lambda x: dk_domain.outcome(x, outcome, d.now())
    )
    assert await d.repos.first_purchases.get(dk_domain.first_purchase_id(pid)) is None
    assert (await reconcile_once(d))["first_purchases"] == 1
    record = await d.repos.first_purchases.get(dk_domain.first_purchase_id(pid))
    assert record is not None and record.state.docking_id == dk.id
    assert (await reconcile_once(d))["first_purchases"] == 0
