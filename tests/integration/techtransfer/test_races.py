"""Every conditional change of techtransfer under a race, on the real FerretDB: N concurrent
callers, exactly one wins (2xx), the others get 409, and exactly one event of the change
is stored for the relay (events are saved with the change in ``changes``; what the relay
publishes is exactly that, see tests/integration/store)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from shared.auth import OrgType
from tests.integration.techtransfer.conftest import CONTACT, TT, interest_body
from tests.integration.techtransfer.test_sessions import session_body

pytestmark = pytest.mark.integration
N = 8
TODAY = dt.date.today().isoformat()
REPORT = {"mode": "license", "contract_value_cny": 500_000, "signed_on": TODAY, "in_beijing": True}


async def race(attempt: Callable[[int], Awaitable[httpx.Response]]) -> list[httpx.Response]:
    answers = await asyncio.gather(*(attempt(i) for i in range(N)))
    statuses = sorted(a.status_code for a in answers)
    wins = [a for a in answers if a.status_code in (200, 201)]
    assert len(wins) == 1 and set(statuses) <= {200, 201, 409}, [a.text[:160] for a in answers]
    return wins


async def stored(
    tt: TT, event_type: str, subject: str | None = None, **data: Any
) -> list[dict[str, Any]]:
    """Events of ``event_type`` saved with any change (of ``subject``) whose payload
    matches ``data``."""
    changes = tt.deps.repos.offers.store.changes
    found = []
    async for change in changes.find({"events.type": event_type}):
        for event in change["events"]:
            payload = event.get("data") or {}
            if event["type"] != event_type or subject not in (None, event.get("subject")):
                continue
            if all(payload.get(k) == v for k, v in data.items()):
                found.append(event)
    return found


async def test_publishing_a_draft_at_once(tt: TT) -> None:
    uni = tt.caller(OrgType.university)
    draft = await tt.offer(uni, publish=False)
    await race(lambda _: tt.call(uni, "POST", f"/offers/{draft['id']}/publish"))
    assert len(await stored(tt, "techtransfer.offer.published", draft["id"])) == 1


async def test_expressing_interest_twice_at_once(tt: TT) -> None:
    uni, ent = tt.caller(OrgType.university), tt.caller(OrgType.enterprise)
    offer = await tt.offer(uni)
    path = f"/offers/{offer['id']}/interests"
    (win,) = await race(lambda _: tt.call(ent, "POST", path, interest_body()))
    events = await stored(tt, "techtransfer.interest.expressed", record_id=offer["id"])
    assert [e["subject"] for e in events] == [win.json()["interest"]["id"]]


async def test_accepting_and_declining_at_once(tt: TT) -> None:
    uni, ent = tt.caller(OrgType.university), tt.caller(OrgType.enterprise)
    offer = await tt.offer(uni)
    iid = (await tt.ok(ent, "POST", f"/offers/{offer['id']}/interests", interest_body()))[
        "interest"
    ]["id"]

    def answer(i: int) -> Awaitable[httpx.Response]:
        if i % 2:
            return tt.call(uni, "POST", f"/interests/{iid}/accept", {"contact": CONTACT})
        return tt.call(uni, "POST", f"/interests/{iid}/decline", {"reason": f"理由{i}"})

    await race(answer)
    answered = [
        *await stored(tt, "techtransfer.interest.accepted", interest_id=iid),
        *await stored(tt, "techtransfer.interest.declined", interest_id=iid),
    ]
    assert len(answered) == 1, answered


async def test_reporting_and_confirming_a_deal_at_once(tt: TT) -> None:
    uni, ent = tt.caller(OrgType.university), tt.caller(OrgType.enterprise)
    offer = await tt.offer(uni)
    iid = (await tt.ok(ent, "POST", f"/offers/{offer['id']}/interests", interest_body()))[
        "interest"
    ]["id"]
    await tt.ok(uni, "POST", f"/interests/{iid}/accept", {"contact": CONTACT})

    def report(i: int) -> Awaitable[httpx.Response]:
        return tt.call(uni if i % 2 else ent, "POST", f"/interests/{iid}/deals", REPORT)

    (win,) = await race(report)
    deal = win.json()["deal"]
    assert len(await stored(tt, "techtransfer.deal.reported", interest_id=iid)) == 1
    other = ent if deal["reported_by"]["org_id"] == uni.organisation_id else uni
    await race(lambda _: tt.call(other, "POST", f"/deals/{deal['id']}/confirm"))
    assert len(await stored(tt, "techtransfer.deal.confirmed", deal_id=deal["id"])) == 1


async def test_registering_and_requesting_and_accepting_meetings_at_once(tt: TT) -> None:
    operator = tt.caller(OrgType.operator)
    uni, ent = tt.caller(OrgType.university), tt.caller(OrgType.enterprise)
    sid = (await tt.ok(operator, "POST", "/sessions", session_body()))["id"]
    offer, need = await tt.offer(uni), await tt.need(ent)
    await race(
        lambda _: tt.call(
            uni, "POST", f"/sessions/{sid}/registrations", {"record_ids": [offer["id"]]}
        )
    )
    registered = await stored(tt, "techtransfer.session.registered", session_id=sid)
    assert len(registered) == 1, registered
    await tt.ok(ent, "POST", f"/sessions/{sid}/registrations", {"record_ids": [need["id"]]})

    def request(i: int) -> Awaitable[httpx.Response]:  # both directions of one pair
        asker, invitee = (uni, ent) if i % 2 else (ent, uni)
        return tt.call(
            asker, "POST", f"/sessions/{sid}/meetings", {"invitee": invitee.organisation_id}
        )

    (win,) = await race(request)
    meeting = win.json()
    assert len(await stored(tt, "techtransfer.meeting.requested", session_id=sid)) == 1
    invitee = uni if meeting["invitee"]["org_id"] == uni.organisation_id else ent
    await race(lambda _: tt.call(invitee, "POST", f"/meetings/{meeting['id']}/accept"))
    assert len(await stored(tt, "techtransfer.meeting.accepted", meeting_id=meeting["id"])) == 1
