"""Expressions of interest and deals over HTTP: contacts hidden until acceptance, one open
expression per (party, record), decline reasons, expiry by the sweeper, deal report and
confirmation, 9(4) eligibility for operators, and the events on Kafka."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from services.techtransfer.main import sweep_once
from shared.auth import OrgType
from tests.integration.techtransfer.conftest import (
    CONTACT,
    TT,
    interest_body,
    of_type,
    wait_for_events,
)
from tests.support.problems import field_of

pytestmark = pytest.mark.integration

TODAY = dt.date.today().isoformat()


def report(in_beijing: bool = True) -> dict:
    return {
        "mode": "license",
        "contract_value_cny": 1_200_000,
        "signed_on": TODAY,
        "in_beijing": in_beijing,
    }


async def test_interest_accept_deal_confirm_eligibility(tt: TT) -> None:
    uni = tt.caller(OrgType.university)
    ent = tt.caller(OrgType.enterprise)
    operator = tt.caller(OrgType.operator)
    offer = await tt.offer(uni)
    made = await tt.ok(ent, "POST", f"/offers/{offer['id']}/interests", interest_body())
    iid = made["interest"]["id"]
    assert made["contacts"] is None and made["interest"]["state"] == "open"
    again = await tt.call(ent, "POST", f"/offers/{offer['id']}/interests", interest_body())
    assert again.status_code == 409 and field_of(again.json()) == "record_id"

    before = await tt.ok(uni, "GET", f"/interests/{iid}")
    assert before["contacts"] is None  # hidden until the owner accepts
    assert (
        await tt.call(ent, "POST", f"/interests/{iid}/accept", {"contact": CONTACT})
    ).status_code == 403
    accepted = await tt.ok(uni, "POST", f"/interests/{iid}/accept", {"contact": CONTACT})
    assert accepted["interest"]["state"] == "accepted"
    for side in (uni, ent):
        contacts = (await tt.ok(side, "GET", f"/interests/{iid}"))["contacts"]
        assert contacts[uni.organisation_id]["name"] == CONTACT["name"]
        assert contacts[ent.organisation_id]["name"] == "李明"
    assert (await tt.ok(operator, "GET", f"/interests/{iid}"))["contacts"] is None
    stranger = tt.caller(OrgType.enterprise)
    assert (await tt.call(stranger, "GET", f"/interests/{iid}")).status_code == 403
    received = await tt.ok(uni, "GET", "/interests?box=received")
    assert [v["interest"]["id"] for v in received["items"]] == [iid]
    assert received["total"] == 1

    deal = await tt.ok(ent, "POST", f"/interests/{iid}/deals", report())
    did = deal["deal"]["id"]
    twice = await tt.call(uni, "POST", f"/interests/{iid}/deals", report())
    assert twice.status_code == 409
    own = await tt.call(ent, "POST", f"/deals/{did}/confirm")
    assert own.status_code == 403  # the reporting side cannot confirm its own report
    confirmed = await tt.ok(uni, "POST", f"/deals/{did}/confirm")
    assert confirmed["deal"]["state"] == "confirmed"
    assert confirmed["eligibility"]["beneficiary"]["org_id"] == ent.organisation_id
    assert (await tt.call(uni, "GET", "/support-eligibility")).status_code == 403
    records = await tt.ok(operator, "GET", "/support-eligibility")
    assert did in {r["deal_id"] for r in records["items"]}

    interest_events = await wait_for_events(
        tt, ["interest"], lambda es: bool(of_type(es, "techtransfer.interest.accepted", iid))
    )
    expressed = of_type(interest_events, "techtransfer.interest.expressed", iid)[0]["data"]
    assert expressed["owner_org_id"] == uni.organisation_id
    assert expressed["interested_org_id"] == ent.organisation_id
    deal_events = await wait_for_events(
        tt, ["deal"], lambda es: bool(of_type(es, "techtransfer.deal.confirmed", did))
    )
    data = of_type(deal_events, "techtransfer.deal.confirmed", did)[0]["data"]
    assert data["support_eligible"] is True and data["policy_clause"] == "9(4)"
    assert {data["supplier_org_id"], data["recipient_org_id"]} == {
        uni.organisation_id,
        ent.organisation_id,
    }
    for event in interest_events + deal_events:  # no contact details ever leave the service
        text = str(event["data"])
        assert "010-6275" not in text and "@example" not in text and "李明" not in text


async def test_decline_needs_a_reason_and_who_may_express(tt: TT) -> None:
    ent = tt.caller(OrgType.enterprise)
    uni = tt.caller(OrgType.university)
    need = await tt.need(ent)
    own = await tt.call(ent, "POST", f"/needs/{need['id']}/interests", interest_body())
    assert own.status_code == 403  # not in your own record
    soe = tt.caller(OrgType.soe)
    assert (
        await tt.call(soe, "POST", f"/needs/{need['id']}/interests", interest_body())
    ).status_code == 403
    offer = await tt.offer(tt.caller(OrgType.university))
    uni_in_offer = await tt.call(uni, "POST", f"/offers/{offer['id']}/interests", interest_body())
    assert uni_in_offer.status_code == 403  # offers: enterprises only
    made = await tt.ok(uni, "POST", f"/needs/{need['id']}/interests", interest_body())
    iid = made["interest"]["id"]
    blank = await tt.call(ent, "POST", f"/interests/{iid}/decline", {"reason": "   "})
    assert blank.status_code == 422 and field_of(blank.json()) == "reason"
    declined = await tt.ok(ent, "POST", f"/interests/{iid}/decline", {"reason": "技术路线不匹配"})
    assert declined["interest"]["decline_reason"] == "技术路线不匹配"
    deal = await tt.call(uni, "POST", f"/interests/{iid}/deals", report())
    assert deal.status_code == 409  # only after acceptance
    # a declined expression no longer blocks a new one
    await tt.ok(uni, "POST", f"/needs/{need['id']}/interests", interest_body())
    bad = interest_body(answers={"purpose": "x", "how_soon": "tomorrow", "budget_fit": "fits"})
    response = await tt.call(
        tt.caller(OrgType.university), "POST", f"/needs/{need['id']}/interests", bad
    )
    assert response.status_code == 422


async def test_unanswered_interest_expires_and_both_sides_are_told(tt: TT) -> None:
    uni = tt.caller(OrgType.university)
    ent = tt.caller(OrgType.enterprise)
    offer = await tt.offer(uni)
    made = await tt.ok(ent, "POST", f"/offers/{offer['id']}/interests", interest_body())
    iid = made["interest"]["id"]
    tt.clock.offset = dt.timedelta(days=14, minutes=1)
    try:
        late = await tt.call(uni, "POST", f"/interests/{iid}/accept", {"contact": CONTACT})
        assert late.status_code == 409
        await sweep_once(tt.deps)
        expired = await tt.ok(ent, "GET", f"/interests/{iid}")
        assert expired["interest"]["state"] == "expired"
        # the slot is free again: a new expression may be made
        await tt.ok(ent, "POST", f"/offers/{offer['id']}/interests", interest_body())
    finally:
        tt.clock.offset = dt.timedelta()
    events = await wait_for_events(
        tt, ["interest"], lambda es: bool(of_type(es, "techtransfer.interest.expired", iid))
    )
    data = of_type(events, "techtransfer.interest.expired", iid)[0]["data"]
    assert data["owner_org_id"] == uni.organisation_id
    assert data["interested_org_id"] == ent.organisation_id


async def test_dispute_then_report_again_and_outside_9_4(tt: TT) -> None:
    ent = tt.caller(OrgType.enterprise)
    licensor = tt.caller(OrgType.enterprise)
    offer = await tt.offer(licensor)  # enterprises may license out too
    iid = (await tt.ok(ent, "POST", f"/offers/{offer['id']}/interests", interest_body()))[
        "interest"
    ]["id"]
    await tt.ok(licensor, "POST", f"/interests/{iid}/accept", {"contact": CONTACT})
    future = {**report(), "signed_on": (dt.date.today() + dt.timedelta(days=5)).isoformat()}
    response = await tt.call(ent, "POST", f"/interests/{iid}/deals", future)
    assert response.status_code == 422 and field_of(response.json()) == "signed_on"
    first = await tt.ok(ent, "POST", f"/interests/{iid}/deals", report())
    no_reason = await tt.call(
        licensor, "POST", f"/deals/{first['deal']['id']}/dispute", {"reason": ""}
    )
    assert no_reason.status_code == 422
    await tt.ok(licensor, "POST", f"/deals/{first['deal']['id']}/dispute", {"reason": "金额有误"})
    second = await tt.ok(licensor, "POST", f"/interests/{iid}/deals", report())
    confirmed = await tt.ok(ent, "POST", f"/deals/{second['deal']['id']}/confirm")
    assert confirmed["eligibility"] is None  # enterprise-to-enterprise licence: outside 9(4)


async def test_concurrent_answers_have_exactly_one_winner(tt: TT) -> None:
    """FerretDB 1.x filtered updates are not atomic; the store's unique change insert is."""
    uni = tt.caller(OrgType.university)
    ent = tt.caller(OrgType.enterprise)
    offer = await tt.offer(uni)
    made = await tt.ok(ent, "POST", f"/offers/{offer['id']}/interests", interest_body())
    iid = made["interest"]["id"]

    async def answer(i: int):
        if i % 2:
            return await tt.call(uni, "POST", f"/interests/{iid}/accept", {"contact": CONTACT})
        return await tt.call(uni, "POST", f"/interests/{iid}/decline", {"reason": f"理由{i}"})

    responses = await asyncio.gather(*(answer(i) for i in range(8)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1, [r.text for r in responses]
    assert set(statuses) <= {200, 409}
    winner = next(r for r in responses if r.status_code == 200).json()["interest"]
    stored = await tt.ok(uni, "GET", f"/interests/{iid}")
    assert stored["interest"]["state"] == winner["state"]
    assert stored["interest"]["version"] == 2
    events = await wait_for_events(
        tt,
        ["interest"],
        lambda es: bool(
            of_type(es, "techtransfer.interest.accepted", iid)
            or of_type(es, "techtransfer.interest.declined", iid)
        ),
    )
    answers = [
        e
        for e in events
        if e.get("subject") == iid and e["type"].rsplit(".", 1)[1] in {"accepted", "declined"}
    ]
    assert len(answers) == 1
