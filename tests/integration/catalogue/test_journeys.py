"""The catalogue's journeys over HTTP on the real engines: apply -> review (sent back,
resubmitted, approved) -> edition -> listed product on Kafka -> SOE need -> docking ->
purchase -> 首台套 record; and a launch event with a waitlist, check-in and leads."""

from __future__ import annotations

import datetime as dt
import json

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


async def test_apply_review_edition_docking_purchase(cl: CL) -> None:
    ent, soe, gov = (
        make_caller(OrgType.enterprise),
        make_caller(OrgType.soe),
        make_caller(OrgType.government),
    )
    op = cl.operator
    app = await cl.ok(ent, "POST", "/applications", product_body())
    assert app["state"] == "draft"
    await cl.ok(ent, "POST", f"/applications/{app['id']}/submit")
    back = {"decision": "return", "reasons": [{"field": "price_band", "reason": "请补充报价依据"}]}
    returned = await cl.ok(op, "POST", f"/applications/{app['id']}/review", back)
    assert returned["state"] == "returned"
    await cl.ok(ent, "PUT", f"/applications/{app['id']}", product_body(price_band=[350000, 800000]))
    await cl.ok(ent, "POST", f"/applications/{app['id']}/submit")
    approved = await cl.ok(op, "POST", f"/applications/{app['id']}/review", {"decision": "approve"})
    assert approved["state"] == "approved"
    assert [r["decision"] for r in approved["rounds"]] == ["return", "approve"]
    assert approved["rounds"][0]["reasons"][0]["field"] == "price_band"
    pid = approved["product_id"]

    # Not listed before the edition is published: nobody else sees it.
    assert (await cl.call(gov, "GET", f"/products/{pid}")).status_code == 404
    edition = await cl.edition(app["id"])
    assert edition["state"] == "published"
    diff = await cl.ok(gov, "GET", f"/editions/{edition['id']}/diff")
    assert pid in diff["added"]
    product = await cl.ok(gov, "GET", f"/products/{pid}")
    assert product["state"] == "listed" and product["edition_id"] == edition["id"]
    listed = await cl.ok(soe, "GET", f"/products?owner={ent.organisation_id}")
    assert [p["id"] for p in listed["items"]] == [pid]

    need = await cl.ok(soe, "POST", "/needs", need_body())
    docking = await cl.ok(soe, "POST", f"/needs/{need['id']}/dockings", {"product_id": pid})
    assert docking["state"] == "proposed" and docking["supplier_org_id"] == ent.organisation_id
    meet = {"meeting_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()}
    await cl.ok(ent, "POST", f"/dockings/{docking['id']}/accept", meet)
    done = await cl.ok(
        soe,
        "POST",
        f"/dockings/{docking['id']}/outcome",
        {"purchased": True, "amount_cny": 1200000},
    )
    assert done["state"] == "purchased"
    records = await cl.ok(gov, "GET", "/first-purchases")
    mine = [r for r in records["items"] if r["product_id"] == pid]
    assert len(mine) == 1 and mine[0]["buyer_org_id"] == soe.organisation_id

    # A second purchase of the same product is no first purchase.
    need2 = await cl.ok(soe, "POST", "/needs", need_body(title="二期巡检机器人采购"))
    d2 = await cl.ok(soe, "POST", f"/needs/{need2['id']}/dockings", {"product_id": pid})
    await cl.ok(ent, "POST", f"/dockings/{d2['id']}/accept", meet)
    await cl.ok(soe, "POST", f"/dockings/{d2['id']}/outcome", {"purchased": True, "amount_cny": 5})
    records = await cl.ok(op, "GET", "/first-purchases")
    assert len([r for r in records["items"] if r["product_id"] == pid]) == 1

    seen = await wait_for_events(
        cl, ["product", "procurement_need", "docking", "first_purchase", "application", "edition"],
        lambda es: bool(of_type(es, "catalogue.first_purchase.recorded"))
        and len(of_type(es, "catalogue.docking.purchased")) >= 2,
    )  # fmt: skip
    published = of_type(seen, "catalogue.product.published", pid)
    assert len(published) == 1 and published[0]["data"]["edition"] == edition["id"]
    assert of_type(seen, "catalogue.procurement_need.published", need["id"])
    assert len(of_type(seen, "catalogue.application.submitted", app["id"])) == 2
    assert of_type(seen, "catalogue.edition.published", edition["id"])[0]["data"]["added"] >= 1
    # Events name organisations and records, never a person (user ids, names).
    raw = json.dumps([e["data"] for e in seen], ensure_ascii=False)
    for person in (ent, soe, gov, op):
        assert person.user_id not in raw and person.user_name not in raw
    # Nothing unlisted ever reached the product topic.
    assert {e["type"] for e in seen if e["type"].startswith("catalogue.product.")} == {
        "catalogue.product.published"
    }


async def test_a_later_edition_delists_what_it_leaves_out_and_expiry_withdraws(cl: CL) -> None:
    ent, gov = make_caller(OrgType.enterprise), make_caller(OrgType.government)
    keep = await cl.approved(ent, title="工业边缘计算网关", first_of_kind=False)
    drop = await cl.approved(ent, title="旧款巡检终端", first_of_kind=False)
    first = await cl.edition(keep["id"], drop["id"])
    code = f"E-next-{first['id'][-6:]}"
    await cl.ok(cl.operator, "POST", "/editions", {"code": code, "title": "下一批"})
    removed = {"reason": "企业申请退出"}
    await cl.ok(
        cl.operator, "POST", f"/editions/{code}/entries/{drop['product_id']}/remove", removed
    )
    changed = await cl.approved(ent, title="工业边缘计算网关 二代", product_id=keep["product_id"])
    await cl.ok(cl.operator, "POST", f"/editions/{code}/entries", {"application_id": changed["id"]})
    await cl.ok(cl.operator, "POST", f"/editions/{code}/freeze")
    # A frozen edition refuses edits, naming the rule.
    again = await cl.call(
        cl.operator, "POST", f"/editions/{code}/entries", {"application_id": drop["id"]}
    )
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "edition_frozen"
    await cl.ok(cl.operator, "POST", f"/editions/{code}/publish")
    diff = await cl.ok(gov, "GET", f"/editions/{code}/diff?against={first['id']}")
    assert diff["removed"] == [drop["product_id"]] and diff["changed"] == [keep["product_id"]]
    gone = await cl.call(gov, "GET", f"/products/{drop['product_id']}")
    assert gone.status_code == 404
    own = await cl.ok(ent, "GET", "/products?mine=true")
    assert {p["id"]: p["state"] for p in own["items"]} == {
        keep["product_id"]: "listed",
        drop["product_id"]: "delisted",
    }
    listed = await cl.ok(gov, "GET", f"/products?owner={ent.organisation_id}")
    assert [p["id"] for p in listed["items"]] == [keep["product_id"]]
    history = await cl.ok(ent, "GET", f"/products/{drop['product_id']}")
    assert history["state"] == "delisted" and history["reason"] == "企业申请退出"
    kept = await cl.ok(gov, "GET", f"/products/{keep['product_id']}")
    assert kept["spec"]["title"] == "工业边缘计算网关 二代"

    cl.clock.offset = dt.timedelta(days=cl.deps.settings.listing_days + 1)
    swept = await cl.sweep()
    assert swept["expired"] >= 1
    expired = await cl.ok(ent, "GET", f"/products/{keep['product_id']}")
    assert expired["state"] == "expired"
    seen = await wait_for_events(
        cl, ["product"],
        lambda es: len(of_type(es, "catalogue.product.withdrawn", keep["product_id"])) == 1
        and len(of_type(es, "catalogue.product.withdrawn", drop["product_id"])) == 1,
    )  # fmt: skip
    assert of_type(seen, "catalogue.product.updated", keep["product_id"])
    withdrawn = of_type(seen, "catalogue.product.withdrawn", drop["product_id"])[0]
    assert withdrawn["data"]["reason"] == "企业申请退出"
    amended = await wait_for_events(
        cl, ["edition"], lambda es: len(of_type(es, "catalogue.edition.updated", code)) == 2
    )
    changes = [e["data"] for e in of_type(amended, "catalogue.edition.updated", code)]
    assert {(c["product_id"], c["change"], c["reason"]) for c in changes} == {
        (drop["product_id"], "removed", "企业申请退出"),
        (keep["product_id"], "added", None),
    }


async def test_launch_event_waitlist_check_in_and_leads(cl: CL) -> None:
    ent = make_caller(OrgType.enterprise)
    pid = await cl.listed(ent, first_of_kind=False, title="低空物流无人机")
    event = await cl.ok(cl.operator, "POST", "/launches", launch_body([pid], capacity=2))
    assert event["presenters"] == {pid: ent.organisation_id}
    guests = [
        make_caller(t) for t in (OrgType.soe, OrgType.government, OrgType.soe, OrgType.investor)
    ]
    states = [
        (await cl.ok(g, "POST", f"/launches/{event['id']}/registrations"))["state"] for g in guests
    ]
    assert states == ["registered", "registered", "waitlisted", "waitlisted"]
    twice = await cl.call(guests[0], "POST", f"/launches/{event['id']}/registrations")
    assert twice.status_code == 409 and twice.json()["errors"][0]["code"] == "already_registered"
    full = await cl.call(make_caller(OrgType.soe), "POST", f"/launches/{event['id']}/registrations",
                         {"waitlist": False})  # fmt: skip
    assert full.status_code == 409 and full.json()["errors"][0]["code"] == "event_full"

    await cl.ok(guests[1], "DELETE", f"/launches/{event['id']}/registrations/mine")
    promoted = await cl.ok(guests[2], "GET", f"/launches/{event['id']}/registrations/mine")
    assert promoted["state"] == "registered"  # the waitlist's head, not the later waiter
    still = await cl.ok(guests[3], "GET", f"/launches/{event['id']}/registrations/mine")
    assert still["state"] == "waitlisted"

    for g in (guests[0], guests[2]):
        path = f"/launches/{event['id']}/registrations/{g.organisation_id}/check-in"
        assert (await cl.ok(cl.operator, "POST", path))["state"] == "attended"
    early = await cl.call(cl.operator, "POST", f"/launches/{event['id']}/hold")
    assert early.status_code == 409
    cl.clock.offset = dt.timedelta(days=10, hours=4)
    held = await cl.ok(cl.operator, "POST", f"/launches/{event['id']}/hold")
    assert held["event"]["state"] == "held" and held["leads_created"] == 2
    again = await cl.ok(cl.operator, "POST", f"/launches/{event['id']}/hold")
    assert again["leads_created"] == 0
    leads = await cl.ok(ent, "GET", f"/leads?event_id={event['id']}")
    assert {x["buyer_org_id"] for x in leads["items"]} == {
        guests[0].organisation_id,
        guests[2].organisation_id,
    }
    seen = await wait_for_events(
        cl, ["registration", "lead", "launch"],
        lambda es: len(of_type(es, "catalogue.lead.created")) >= 2
        and bool(of_type(es, "catalogue.registration.promoted")),
    )  # fmt: skip
    promoted_events = of_type(seen, "catalogue.registration.promoted")
    assert [e["data"]["org_id"] for e in promoted_events] == [guests[2].organisation_id]
