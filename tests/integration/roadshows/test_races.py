"""Races on the real engines: every conditional change has exactly one winner.

- 200 investors book 10 seats at once: exactly 10 seats, 190 on the waitlist, and 5
  cancellations promote exactly the first 5 waiters (FIFO), each with one event.
- One investor books twice at once: one booking.
- Operators select 4 applications at once for 1 pitch slot: one presenter.
- Two investors report the same follow-up step at once: one report.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from shared.auth import OrgType
from tests.integration.roadshows.conftest import RS, of_type, wait_for_events
from tests.support.auth import make_caller

pytestmark = pytest.mark.integration


@pytest.mark.slow  # 200 concurrent acquires: 10-30 s on this FerretDB, by the machine's load
async def test_200_bookings_on_10_seats_then_5_cancellations(rs: RS) -> None:
    roadshow = await rs.roadshow(72, investor_seats=10)
    rid = roadshow["id"]
    investors = [make_caller(OrgType.investor) for _ in range(200)]
    tokens = {i.organisation_id: rs.mint.token(i) for i in investors}  # sign outside the race
    answers = await asyncio.gather(*(
        rs.client.post(f"/roadshows/{rid}/seats",
                       headers={"Authorization": f"Bearer {tokens[i.organisation_id]}"})
        for i in investors
    ))  # fmt: skip
    codes = Counter(a.status_code for a in answers)
    assert codes == {201: 10, 202: 190}, codes
    seats = sorted(a.json()["seat"] for a in answers if a.status_code == 201)
    assert seats == list(range(1, 11))

    view = await rs.ok(rs.operator, "GET", f"/roadshows/{rid}/seats")
    assert len(view["held"]) == 10 and len(view["waitlist"]) == 190
    first_waiters = view["waitlist"][:5]
    holders = [h["investor_org_id"] for h in view["held"]][:5]
    by_org = {i.organisation_id: i for i in investors}
    for org in holders:
        cancelled = await rs.ok(by_org[org], "POST", f"/roadshows/{rid}/seats/cancel")
        assert cancelled["state"] == "cancelled"
    after = await rs.ok(rs.operator, "GET", f"/roadshows/{rid}/seats")
    assert len(after["held"]) == 10 and len(after["waitlist"]) == 185
    promoted = {h["investor_org_id"] for h in after["held"]} - {
        h["investor_org_id"] for h in view["held"]
    }
    assert promoted == set(first_waiters)
    for org in first_waiters:
        mine = await rs.ok(by_org[org], "GET", f"/roadshows/{rid}/seats/mine")
        assert mine["state"] == "held" and mine["seat"] is not None

    events = await wait_for_events(
        rs, ["roadshows.seat"], lambda ev: len(of_type(ev, "roadshows.seat.promoted")) >= 5
        and sum(e["data"]["roadshow_id"] == rid for e in ev) >= 210,
    )  # fmt: skip
    mine_only = [e for e in events if e["data"]["roadshow_id"] == rid]
    kinds = Counter(e["type"].rsplit(".", 1)[1] for e in mine_only)
    assert kinds == {"booked": 10, "waitlisted": 190, "cancelled": 5, "promoted": 5}


async def test_one_investor_booking_twice_at_once_gets_one_booking(rs: RS) -> None:
    rid = (await rs.roadshow(72))["id"]
    investor = make_caller(OrgType.investor)
    answers = await asyncio.gather(*(rs.call(investor, "POST", f"/roadshows/{rid}/seats")
                                     for _ in range(8)))  # fmt: skip
    codes = Counter(a.status_code for a in answers)
    assert codes == {201: 1, 409: 7}, codes
    again = await rs.call(investor, "POST", f"/roadshows/{rid}/seats")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_booked"


async def test_four_selections_for_one_pitch_slot_select_one(rs: RS) -> None:
    rid = (await rs.roadshow(72, pitch_slots=1))["id"]
    apps = []
    for _ in range(4):
        ent = make_caller(OrgType.enterprise)
        pitch = await rs.pitch(ent)
        apps.append(await rs.ok(ent, "POST", f"/roadshows/{rid}/applications",
                                {"pitch_id": pitch["id"]}))  # fmt: skip
    answers = await asyncio.gather(*(
        rs.call(rs.operator, "POST", f"/applications/{a['id']}/select") for a in apps
    ))  # fmt: skip
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]
    ranked = (await rs.ok(rs.operator, "GET", f"/roadshows/{rid}/applications"))["items"]
    assert sum(r["application"]["state"] == "selected" for r in ranked) == 1


async def test_the_same_step_reported_twice_at_once_is_one_report(rs: RS) -> None:
    rid = (await rs.roadshow(72))["id"]
    investor, ent = make_caller(OrgType.investor), make_caller(OrgType.enterprise)
    pitch = await rs.pitch(ent)
    app = await rs.ok(ent, "POST", f"/roadshows/{rid}/applications", {"pitch_id": pitch["id"]})
    await rs.ok(rs.operator, "POST", f"/applications/{app['id']}/select")
    await rs.ok(investor, "POST", f"/roadshows/{rid}/seats")
    m = await rs.ok(investor, "POST", f"/roadshows/{rid}/meetings", {"pitch_id": pitch["id"]})
    await rs.ok(ent, "POST", f"/meetings/{m['id']}/accept")
    await rs.ok(rs.operator, "POST", f"/roadshows/{rid}/meetings/schedule")
    answers = await asyncio.gather(*(
        rs.call(investor, "POST", f"/meetings/{m['id']}/followup", {"stage": "met"})
        for _ in range(5)
    ))  # fmt: skip
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409, 409]


async def test_applying_twice_at_once_and_answering_a_meeting_twice_at_once(rs: RS) -> None:
    rid = (await rs.roadshow(72))["id"]
    investor, ent = make_caller(OrgType.investor), make_caller(OrgType.enterprise)
    pitch = await rs.pitch(ent)
    body = {"pitch_id": pitch["id"]}
    answers = await asyncio.gather(
        *(rs.call(ent, "POST", f"/roadshows/{rid}/applications", body) for _ in range(6))
    )
    assert sorted(a.status_code for a in answers) == [201] + [409] * 5
    app = next(a.json() for a in answers if a.status_code == 201)
    await rs.ok(rs.operator, "POST", f"/applications/{app['id']}/select")
    await rs.ok(investor, "POST", f"/roadshows/{rid}/seats")
    asks = await asyncio.gather(
        *(rs.call(investor, "POST", f"/roadshows/{rid}/meetings", body) for _ in range(4))
    )
    assert sorted(a.status_code for a in asks) == [201, 409, 409, 409]
    mid = next(a.json()["id"] for a in asks if a.status_code == 201)
    verbs = ["accept", "decline"] * 3
    answered = await asyncio.gather(*(rs.call(ent, "POST", f"/meetings/{mid}/{v}") for v in verbs))
    assert sorted(a.status_code for a in answered) == [200] + [409] * 5
    events = await wait_for_events(
        rs, ["roadshows.meeting"], lambda ev: bool(of_type(ev, "roadshows.meeting.requested", mid))
        and bool(of_type(ev, "roadshows.meeting.accepted", mid)
                 or of_type(ev, "roadshows.meeting.declined", mid)),
    )  # fmt: skip
    answers_seen = of_type(events, "roadshows.meeting.accepted", mid) + of_type(
        events, "roadshows.meeting.declined", mid
    )
    assert len(answers_seen) == 1 and len(of_type(events, "roadshows.meeting.requested", mid)) == 1
