"""Brokerage sessions over HTTP: registration, 1:1 requests and answers, the limits (twice,
yourself, someone else's request, after the deadline), operator locks and scheduling with
unplaced reasons, agendas as JSON and text/calendar, ratings, and the events on Kafka."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from icalendar import Calendar

from services.techtransfer.domain.tz import SHANGHAI
from services.techtransfer.main import sweep_once
from shared.auth import Caller, OrgType
from tests.integration.techtransfer.conftest import TT, of_type, wait_for_events
from tests.support.problems import field_of, fields_of

pytestmark = pytest.mark.integration


def session_body(**overrides: Any) -> dict[str, Any]:
    day = (dt.datetime.now(SHANGHAI) + dt.timedelta(days=10)).date()
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    return {
        "title": "人工智能领域科技成果对接洽谈会",
        "domain": "ai",
        "day": day.isoformat(),
        "start_time": "09:00:00",
        "slot_minutes": 20,
        "slot_count": 2,
        "tables_per_slot": 1,
        "venue": "中关村国家自主创新示范区展示中心",
        "registration_deadline": deadline.isoformat(),
        **overrides,
    }


async def register(tt: TT, sid: str, who: Caller, record_id: str, **extra: Any) -> dict:
    body = {"record_ids": [record_id], "display_name": f"机构{who.organisation_id[-4:]}", **extra}
    return await tt.ok(who, "POST", f"/sessions/{sid}/registrations", body)


async def test_session_from_registration_to_rating(tt: TT) -> None:
    operator = tt.caller(OrgType.operator)
    uni, ent1, ent2 = (
        tt.caller(OrgType.university),
        tt.caller(OrgType.enterprise),
        tt.caller(OrgType.enterprise),
    )
    session = await tt.ok(operator, "POST", "/sessions", session_body())
    sid = session["id"]
    offer = await tt.offer(uni)
    need1, need2 = await tt.need(ent1), await tt.need(ent2)
    await register(tt, sid, uni, offer["id"])
    await register(tt, sid, ent1, need1["id"])
    await register(tt, sid, ent2, need2["id"], unavailable_slots=[1])

    twice = await tt.call(
        uni, "POST", f"/sessions/{sid}/registrations", {"record_ids": [offer["id"]]}
    )
    assert twice.status_code == 409 and field_of(twice.json()) == "participant"
    not_mine = await tt.call(
        tt.caller(OrgType.enterprise),
        "POST",
        f"/sessions/{sid}/registrations",
        {"record_ids": [offer["id"]]},
    )
    assert not_mine.status_code == 403 and field_of(not_mine.json()) == "record_ids"
    myself = await tt.call(
        uni, "POST", f"/sessions/{sid}/meetings", {"invitee": uni.organisation_id}
    )
    assert myself.status_code == 422 and field_of(myself.json()) == "invitee"

    m1 = await tt.ok(uni, "POST", f"/sessions/{sid}/meetings", {"invitee": ent1.organisation_id})
    m2 = await tt.ok(uni, "POST", f"/sessions/{sid}/meetings", {"invitee": ent2.organisation_id})
    m3 = await tt.ok(ent1, "POST", f"/sessions/{sid}/meetings", {"invitee": ent2.organisation_id})
    again = await tt.call(
        ent1, "POST", f"/sessions/{sid}/meetings", {"invitee": uni.organisation_id}
    )
    assert again.status_code == 409  # the pair already has a live request
    someone_elses = await tt.call(ent2, "POST", f"/meetings/{m1['id']}/accept")
    assert someone_elses.status_code == 403
    for meeting, invitee in ((m1, ent1), (m2, ent2), (m3, ent2)):
        accepted = await tt.ok(invitee, "POST", f"/meetings/{meeting['id']}/accept")
        assert accepted["state"] == "accepted"

    locked = await tt.call(ent1, "POST", f"/meetings/{m1['id']}/lock", {"slot": 1, "table": 1})
    assert locked.status_code == 403
    await tt.ok(operator, "POST", f"/meetings/{m1['id']}/lock", {"slot": 1, "table": 1})
    assert (await tt.call(uni, "POST", f"/sessions/{sid}/schedule")).status_code == 403
    result = await tt.ok(operator, "POST", f"/sessions/{sid}/schedule")
    # ent2 is out in slot 1 and has two meetings but only slot 2: one cannot be placed
    assert result["placed"][m1["id"]] == [1, 1]
    assert len(result["placed"]) == 2 and len(result["unplaced"]) == 1
    (reason,) = result["unplaced"].values()
    assert reason["reason"] in {"participants_busy", "tables_full", "no_common_slot"}
    assert reason["zh"] and reason["en"]

    agenda = await tt.ok(uni, "GET", f"/sessions/{sid}/agenda")
    assert agenda["items"][0]["meeting_id"] == m1["id"]
    ics = await tt.call(uni, "GET", f"/sessions/{sid}/agenda.ics")
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(ics.content)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == len(agenda["items"]) >= 1
    other_agenda = await tt.call(
        uni, "GET", f"/sessions/{sid}/agenda?participant={ent1.organisation_id}"
    )
    assert other_agenda.status_code == 403
    as_operator = await tt.ok(
        operator, "GET", f"/sessions/{sid}/agenda?participant={ent1.organisation_id}"
    )
    assert as_operator["participant_id"] == ent1.organisation_id

    early = await tt.call(uni, "POST", f"/meetings/{m1['id']}/rating", {"outcome": "negotiating"})
    assert early.status_code == 409  # rated after the session ends
    tt.clock.offset = dt.timedelta(days=12)
    try:
        late = await tt.call(
            tt.caller(OrgType.university),
            "POST",
            f"/sessions/{sid}/registrations",
            {"record_ids": [offer["id"]]},
        )
        assert late.status_code in (403, 409)
        booking = await tt.call(
            ent1, "POST", f"/sessions/{sid}/meetings", {"invitee": uni.organisation_id}
        )
        assert booking.status_code == 409
        assert field_of(booking.json()) == "registration_deadline"
        rated = await tt.ok(uni, "POST", f"/meetings/{m1['id']}/rating", {"outcome": "negotiating"})
        assert rated["ratings"][uni.organisation_id] == "negotiating"
        twice_rated = await tt.call(
            uni, "POST", f"/meetings/{m1['id']}/rating", {"outcome": "negotiating"}
        )
        assert twice_rated.status_code == 409
    finally:
        tt.clock.offset = dt.timedelta()

    (placed,) = set(result["placed"]) - {m1["id"]}
    (unplaced,) = result["unplaced"]

    def complete(events: list[dict]) -> bool:  # keyed by meeting: partitions interleave
        return bool(
            of_type(events, "techtransfer.meeting.rated", m1["id"])
            and of_type(events, "techtransfer.meeting.scheduled", placed)
        )

    meeting_events = await wait_for_events(tt, ["meeting"], complete)
    slot_data = of_type(meeting_events, "techtransfer.meeting.scheduled", placed)[0]["data"]
    assert slot_data["slot"] == 2 and slot_data["starts_at"]
    assert of_type(meeting_events, "techtransfer.meeting.locked", m1["id"])
    requested = of_type(meeting_events, "techtransfer.meeting.requested", m1["id"])[0]["data"]
    assert requested["requester_org_id"] == uni.organisation_id
    assert requested["invitee_org_id"] == ent1.organisation_id
    session_events = await wait_for_events(
        tt,
        ["session"],
        lambda es: bool(
            of_type(es, "techtransfer.session.scheduled", sid)
            and len(of_type(es, "techtransfer.session.registered", sid)) == 3
        ),
    )
    assert of_type(session_events, "techtransfer.session.created", sid)
    run = of_type(session_events, "techtransfer.session.scheduled", sid)[0]["data"]
    assert run["placed_count"] == 2
    assert run["unplaced"][0]["meeting_id"] == unplaced
    assert run["unplaced"][0]["invitee_org_id"] == ent2.organisation_id


async def test_deadline_expires_requests_and_schedules(tt: TT) -> None:
    operator = tt.caller(OrgType.operator)
    uni, ent = tt.caller(OrgType.university), tt.caller(OrgType.enterprise)
    sid = (await tt.ok(operator, "POST", "/sessions", session_body()))["id"]
    await register(tt, sid, uni, (await tt.offer(uni))["id"])
    await register(tt, sid, ent, (await tt.need(ent))["id"])
    pending = await tt.ok(
        ent, "POST", f"/sessions/{sid}/meetings", {"invitee": uni.organisation_id}
    )
    tt.clock.offset = dt.timedelta(days=4)
    try:
        late = await tt.call(uni, "POST", f"/meetings/{pending['id']}/accept")
        assert late.status_code == 409
        await sweep_once(tt.deps)
    finally:
        tt.clock.offset = dt.timedelta()
    assert (await tt.ok(uni, "GET", f"/meetings/{pending['id']}"))["state"] == "expired"
    stored = await tt.ok(ent, "GET", f"/sessions/{sid}")
    assert stored["scheduled_at"] is not None
    events = await wait_for_events(
        tt, ["meeting"], lambda es: bool(of_type(es, "techtransfer.meeting.expired", pending["id"]))
    )
    assert of_type(events, "techtransfer.meeting.expired", pending["id"])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"registration_deadline": "2020-01-01T00:00:00+08:00"}, "registration_deadline"),
        ({"slot_minutes": 1}, "slot_minutes"),
        ({"venue": None}, "venue"),
        ({"tables_per_slot": 0}, "tables_per_slot"),
    ],
)
async def test_session_validation(tt: TT, overrides: dict, field: str) -> None:
    response = await tt.call(
        tt.caller(OrgType.operator), "POST", "/sessions", session_body(**overrides)
    )
    assert response.status_code == 422, response.text
    assert any(field in named for named in fields_of(response.json()))


async def test_sessions_are_listed_newest_day_first_in_pages_with_the_total(tt: TT) -> None:
    operator = tt.caller(OrgType.operator)
    domain = f"d{dt.datetime.now(dt.UTC).strftime('%H%M%S%f')}"  # this test's sessions only
    today = dt.datetime.now(SHANGHAI).date()
    made = [
        await tt.ok(operator, "POST", "/sessions",
                    session_body(domain=domain, day=(today + dt.timedelta(days=d)).isoformat()))
        for d in (10, 12, 11)
    ]  # fmt: skip
    newest_first = [made[1]["id"], made[2]["id"], made[0]["id"]]
    whole = await tt.ok(operator, "GET", f"/sessions?domain={domain}")
    assert [s["id"] for s in whole["items"]] == newest_first and whole["total"] == 3
    page = await tt.ok(operator, "GET", f"/sessions?domain={domain}&limit=1&offset=1")
    assert [s["id"] for s in page["items"]] == newest_first[1:2] and page["total"] == 3
