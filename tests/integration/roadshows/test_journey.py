"""The journey the issue names: mandate + pitch -> match -> the roadshow of this month ->
pitch selected (tier priority first) -> investor books -> 1:1 meeting -> invested, with
the compliance view showing the month as met, and the events on the topics."""

from __future__ import annotations

import datetime as dt

import pytest

from services.roadshows.domain.calendar import month_of
from shared.auth import OrgType
from tests.integration.roadshows.conftest import (
    PDF,
    RS,
    eventually,
    hours_into_this_month,
    mandate_body,
    match_suggested,
    of_type,
    publish,
    tier_changed,
    wait_for_events,
)
from tests.support.auth import make_caller

pytestmark = pytest.mark.integration


async def test_mandate_pitch_roadshow_selection_booking_meeting_investment(rs: RS) -> None:
    investor, ent, other = (make_caller(t) for t in (OrgType.investor, OrgType.enterprise,
                                                     OrgType.enterprise))  # fmt: skip
    # identity says the enterprise is 小升规: our read model learns it from the event
    await publish(rs, tier_changed(ent.organisation_id, "small_to_scale"),
                  ent.organisation_id, "identity")  # fmt: skip
    await eventually(lambda: rs.deps.repos.tiers.get(ent.organisation_id))

    mandate = await rs.ok(investor, "POST", "/mandates", mandate_body())
    pitch = await rs.pitch(ent)
    rival = await rs.pitch(other, title="大模型客服 A轮")
    assert pitch["priority_tier"] == "small_to_scale" and rival["priority_tier"] is None

    # matching pairs them (both ways: it reads our pitch and mandate topics)
    records = await wait_for_events(rs, ["roadshows.pitch", "roadshows.mandate"], lambda ev: (
        of_type(ev, "roadshows.pitch.published", pitch["id"])
        and of_type(ev, "roadshows.mandate.published", mandate["id"])))  # fmt: skip
    assert of_type(records, "roadshows.mandate.published")[0]["data"]["exclusions"] == [
        "blockchain"
    ]
    await publish(rs, match_suggested(pitch, mandate, 4.0), mandate["id"], "matching")
    await publish(rs, match_suggested(rival, mandate, 9.0), mandate["id"], "matching")
    await eventually(lambda: rs.deps.repos.scores.get(rival["id"]))
    await eventually(lambda: rs.deps.repos.scores.get(pitch["id"]))
    # investors see ranked pitches; enterprises see which funds fit
    ranked_pitches = await rs.ok(investor, "GET", f"/mandates/{mandate['id']}/pitches")
    assert [p["pitch"]["id"] for p in ranked_pitches["items"]] == [rival["id"], pitch["id"]]
    funds = await rs.ok(ent, "GET", f"/pitches/{pitch['id']}/funds")
    assert [(f["mandate"]["id"], f["score"]) for f in funds["items"]] == [(mandate["id"], 4.0)]

    deck = await rs.call(ent, "PUT", f"/pitches/{pitch['id']}/deck", content=PDF,
                         headers={"Content-Type": "application/pdf"})  # fmt: skip
    assert deck.status_code == 200 and deck.json()["deck"]["size"] == len(PDF)

    roadshow = await rs.roadshow(hours_into_this_month(), pitch_slots=1)
    assert roadshow["month"] == month_of(dt.datetime.now(dt.UTC))
    calendar = await rs.ok(investor, "GET", f"/roadshows?domain=ai&month={roadshow['month']}")
    assert roadshow["id"] in [r["id"] for r in calendar["items"]]

    rid = roadshow["id"]
    mine = await rs.ok(ent, "POST", f"/roadshows/{rid}/applications", {"pitch_id": pitch["id"]})
    await rs.ok(other, "POST", f"/roadshows/{rid}/applications", {"pitch_id": rival["id"]})
    ranked = (await rs.ok(rs.operator, "GET", f"/roadshows/{rid}/applications"))["items"]
    # tier priority outranks the rival's higher match score; both scores are shown
    assert [r["application"]["pitch_id"] for r in ranked] == [pitch["id"], rival["id"]]
    assert ranked[0]["priority_tier"] == "small_to_scale"
    assert [r["match_score"] for r in ranked] == [4.0, 9.0]
    await rs.ok(rs.operator, "POST", f"/applications/{mine['id']}/select")
    full = await rs.call(
        rs.operator, "POST", f"/applications/{ranked[1]['application']['id']}/select"
    )
    assert full.status_code == 409 and full.json()["errors"][0]["code"] == "slots_full"

    booked = await rs.ok(investor, "POST", f"/roadshows/{rid}/seats")
    assert booked["state"] == "held" and booked["seat"] >= 1

    meeting = await rs.ok(investor, "POST", f"/roadshows/{rid}/meetings", {"pitch_id": pitch["id"]})
    await rs.ok(ent, "POST", f"/meetings/{meeting['id']}/accept")
    placed = (await rs.ok(rs.operator, "POST", f"/roadshows/{rid}/meetings/schedule"))["items"]
    assert placed[0]["state"] == "scheduled" and 1 <= placed[0]["slot"] <= 3
    assert placed[0]["table"] == 1 and placed[0]["starts_at"] >= roadshow["content"]["ends_at"][:19]

    steps = [{"stage": "met"}, {"stage": "due_diligence"}, {"stage": "term_sheet"},
             {"stage": "invested", "amount_cny": 20_000_000,
              "invested_on": dt.date.today().isoformat()}]  # fmt: skip
    for step in steps:
        await rs.ok(investor, "POST", f"/meetings/{meeting['id']}/followup", step)
        done = await rs.ok(ent, "POST", f"/meetings/{meeting['id']}/followup/confirm")
    assert done["stage"] == "invested"

    # the day is over: the operator closes it, and the month is met for the domain
    rs.clock.offset = dt.timedelta(hours=hours_into_this_month() + 2.5)
    await rs.ok(rs.operator, "POST", f"/roadshows/{rid}/seats/{investor.organisation_id}/attended")
    held = await rs.ok(rs.operator, "POST", f"/roadshows/{rid}/close")
    assert held["state"] == "held" and held["attended"] == 1
    view = await rs.ok(rs.operator, "GET", f"/compliance?month={roadshow['month']}&domain=ai")
    cell = view["items"][0]
    assert cell["status"] == "met" and cell["met"] and not cell["about_to_be_missed"]

    flow = await wait_for_events(
        rs, ["roadshows.roadshow", "roadshows.application", "roadshows.seat",
             "roadshows.meeting", "roadshows.followup"],
        lambda ev: bool(of_type(ev, "roadshows.investment.confirmed", meeting["id"])
                        and of_type(ev, "roadshows.roadshow.held", rid)),
    )  # fmt: skip
    outcome = of_type(flow, "roadshows.investment.confirmed", meeting["id"])[0]["data"]
    assert (
        outcome["amount_cny"] == 20_000_000 and outcome["enterprise_org_id"] == ent.organisation_id
    )
    for type_ in ("roadshows.roadshow.scheduled", "roadshows.application.selected",
                  "roadshows.seat.booked", "roadshows.seat.attended",
                  "roadshows.meeting.scheduled"):  # fmt: skip
        assert of_type(flow, type_), type_
