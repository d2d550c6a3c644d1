"""Offers and needs over HTTP: lifecycle, visibility, listing filters, validation, and the
record events that land on Kafka (the contracts matching consumes)."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.auth import OrgType, Role
from tests.integration.techtransfer.conftest import (
    TT,
    need_body,
    of_type,
    offer_body,
    wait_for_events,
)
from tests.support.problems import field_of

pytestmark = pytest.mark.integration


async def test_offer_lifecycle_publishes_contract_events(tt: TT) -> None:
    uni = tt.caller(OrgType.university)
    ent = tt.caller(OrgType.enterprise)
    draft = await tt.offer(uni, publish=False)
    oid = draft["id"]
    assert draft["state"] == "draft" and draft["owner_org_id"] == uni.organisation_id

    assert (await tt.call(ent, "GET", f"/offers/{oid}")).status_code == 404  # drafts private
    assert (await tt.call(uni, "GET", f"/offers/{oid}")).status_code == 200
    quiet = await tt.ok(uni, "PATCH", f"/offers/{oid}", {"trl": 8})  # draft edit: no event
    assert quiet["content"]["trl"] == 8 and quiet["version"] == 2

    published = await tt.ok(uni, "POST", f"/offers/{oid}/publish")
    assert published["state"] == "published"
    seen = await tt.ok(ent, "GET", f"/offers/{oid}")
    assert seen["content"]["title"] == offer_body()["title"]
    edited = await tt.ok(uni, "PATCH", f"/offers/{oid}", {"keywords": ["刀具", "预测性维护"]})
    assert edited["version"] == 4
    assert (await tt.call(ent, "PATCH", f"/offers/{oid}", {"trl": 5})).status_code == 403
    withdrawn = await tt.ok(uni, "POST", f"/offers/{oid}/withdraw")
    assert withdrawn["state"] == "withdrawn"
    assert (await tt.call(ent, "GET", f"/offers/{oid}")).status_code == 404

    events = await wait_for_events(
        tt, ["offer"], lambda es: bool(of_type(es, "techtransfer.offer.withdrawn", oid))
    )
    types = [e["type"] for e in events if e.get("subject") == oid]
    assert types == [
        "techtransfer.offer.drafted",
        "techtransfer.offer.published",
        "techtransfer.offer.updated",
        "techtransfer.offer.withdrawn",
    ]
    updated = of_type(events, "techtransfer.offer.updated", oid)[0]["data"]
    assert updated["owner_org_id"] == uni.organisation_id
    assert updated["keywords"] == ["刀具", "预测性维护"]
    assert updated["trl"] == 8
    assert updated["title"] == offer_body()["title"]


async def test_need_events_and_close(tt: TT) -> None:
    ent = tt.caller(OrgType.enterprise, district="chaoyang")
    need = await tt.need(ent)
    nid = need["id"]
    closed = await tt.ok(ent, "POST", f"/needs/{nid}/close")
    assert closed["state"] == "closed"
    assert (await tt.call(ent, "POST", f"/needs/{nid}/publish")).status_code == 409
    events = await wait_for_events(
        tt, ["need"], lambda es: bool(of_type(es, "techtransfer.need.closed", nid))
    )
    published = of_type(events, "techtransfer.need.published", nid)[0]["data"]
    assert published["district"] == "chaoyang"
    assert published["budget_cny"] == [1_000_000, 5_000_000]
    assert published["min_trl"] == 6


async def test_listing_filters_and_pagination(tt: TT) -> None:
    uni = tt.caller(OrgType.university)
    other = tt.caller(OrgType.university)
    reader = tt.caller(OrgType.soe)
    tag = f"dom{uuid_hex()}"
    for trl in (3, 5, 7, 9):
        await tt.offer(uni, domains=[tag], trl=trl, cooperation_modes=["license"])
    await tt.offer(uni, domains=[tag], trl=6, cooperation_modes=["transfer"])
    await tt.offer(uni, publish=False, domains=[tag], trl=6)  # a draft: owner only
    await tt.offer(other, domains=[tag], trl=4, cooperation_modes=["equity"])

    async def listing(caller, **params):
        response = await tt.call(caller, "GET", "/offers", params={"domain": tag, **params})
        assert response.status_code == 200, response.text
        return response.json()

    everyone = await listing(reader)
    assert everyone["total"] == 6
    assert all(i["state"] == "published" for i in everyone["items"])
    assert (await listing(uni))["total"] == 7
    assert (await listing(uni, status="draft"))["total"] == 1
    assert (await listing(reader, status="draft"))["total"] == 0
    mid = await listing(reader, trl_min=5, trl_max=7)
    assert sorted(i["content"]["trl"] for i in mid["items"]) == [5, 6, 7]
    assert (await listing(reader, mode="license"))["total"] == 4
    assert (await listing(reader, owner=other.organisation_id))["total"] == 1
    first = await listing(reader, limit=4, offset=0)
    second = await listing(reader, limit=4, offset=4)
    assert len(first["items"]) == 4 and len(second["items"]) == 2
    ids = {i["id"] for i in first["items"]} | {i["id"] for i in second["items"]}
    assert len(ids) == 6
    bad = await tt.call(reader, "GET", "/offers", params={"trl_min": 7, "trl_max": 3})
    assert bad.status_code == 422 and field_of(bad.json()) == "trl_min"


def uuid_hex() -> str:
    import uuid

    return uuid.uuid4().hex[:8]


def _field_of(body: dict) -> str:
    """The field an error names, in the house shape or the older domain shape."""
    return field_of(body)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/offers", offer_body(trl=10), "trl"),
        ("/offers", offer_body(trl=0), "trl"),
        ("/offers", offer_body(title=""), "title"),
        ("/offers", offer_body(cooperation_modes=[]), "cooperation_modes"),
        ("/offers", offer_body(cooperation_modes=["barter"]), "cooperation_modes"),
        ("/needs", need_body(budget_cny=[5_000_000, 1_000_000]), "budget_cny"),
        ("/needs", need_body(min_trl=12), "min_trl"),
        ("/needs", need_body(deadline="2020-01-01T00:00:00+08:00"), "deadline"),
        ("/offers", offer_body(deadline="2020-01-01T00:00:00+08:00"), "deadline"),
        ("/offers", offer_body(unknown_field=1), "unknown_field"),
        ("/offers", offer_body(domains=["人工智能"]), "domains"),
    ],
)
async def test_bad_input_names_the_field(tt: TT, path: str, body: dict, field: str) -> None:
    owner = tt.caller(OrgType.enterprise)
    response = await tt.call(owner, "POST", path, body)
    assert response.status_code == 422, response.text
    assert _field_of(response.json()).startswith(field), response.text


async def test_edits_are_validated_and_owner_only(tt: TT) -> None:
    ent = tt.caller(OrgType.enterprise, role=Role.member)
    need = await tt.need(ent)
    nid = need["id"]
    bad = await tt.call(ent, "PATCH", f"/needs/{nid}", {"budget_cny": [9, 1]})
    assert bad.status_code == 422 and _field_of(bad.json()) == "budget_cny"
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()
    late = await tt.call(ent, "PATCH", f"/needs/{nid}", {"deadline": past})
    assert late.status_code == 422 and _field_of(late.json()) == "deadline"
    assert (
        await tt.call(tt.caller(OrgType.university), "POST", "/needs", need_body())
    ).status_code == 403
    stranger = tt.caller(OrgType.enterprise)
    assert (await tt.call(stranger, "POST", f"/needs/{nid}/withdraw")).status_code == 403
    missing = await tt.call(ent, "GET", "/needs/does-not-exist")
    assert missing.status_code == 404 and field_of(missing.json()) == "record_id"
