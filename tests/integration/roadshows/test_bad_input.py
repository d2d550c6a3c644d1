"""Bad input gets a 4xx naming the field and the rule (never a 500), and nothing partial
is stored; a poison event goes to the DLQ and the consumer carries on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.auth import OrgType
from tests.integration.roadshows.conftest import (
    PDF,
    RS,
    eventually,
    mandate_body,
    pitch_body,
    publish,
    roadshow_body,
    tier_changed,
)
from tests.support.auth import make_caller
from tests.support.problems import code_of, field_of

pytestmark = pytest.mark.integration

INV, ENT = make_caller(OrgType.investor), make_caller(OrgType.enterprise)
NOW = dt.datetime.now(dt.UTC).isoformat()
IN_PAST = roadshow_body(-5) | {"ends_at": roadshow_body(1)["starts_at"]}
EMPTY_METRIC = [{"name": "x", "value": ""}]


@pytest.mark.parametrize(
    ("path", "who", "body", "status", "field"),
    [
        ("/mandates", "inv", mandate_body(ticket_cny=[9_000_000, 1_000_000]), 422, "ticket_cny"),
        ("/mandates", "inv", mandate_body(stages=["series_z"]), 422, "stages.0"),
        ("/mandates", "inv", mandate_body(domains=["astrology"]), 422, "domains.0"),
        ("/mandates", "inv", mandate_body(title="a\x00b"), 422, "title"),
        ("/mandates", "inv", mandate_body(ticket_cny=["1", 2]), 422, "ticket_cny.0"),
        ("/pitches", "ent", pitch_body(ask_cny=0), 422, "ask_cny"),
        ("/pitches", "ent", pitch_body(domains=[]), 422, "domains"),
        ("/pitches", "ent", pitch_body(metrics=EMPTY_METRIC), 422, "metrics.0.value"),
        ("/pitches", "ent", pitch_body(surprise=1), 422, "surprise"),
        ("/roadshows", "op", roadshow_body(ends_at=NOW), 422, "body"),
        ("/roadshows", "op", roadshow_body(venue=None), 422, "body"),
        ("/roadshows", "op", IN_PAST, 422, "starts_at"),
        ("/roadshows", "op", roadshow_body(investor_seats=0), 422, "investor_seats"),
        ("/roadshows", "op", roadshow_body(pitch_slots=True), 422, "pitch_slots"),
    ],
)  # fmt: skip
async def test_bad_bodies_name_the_field(
    rs: RS, path: str, who: str, body: dict[str, Any], status: int, field: str
) -> None:
    caller = {"inv": INV, "ent": ENT, "op": rs.operator}[who]
    before = await rs.ok(caller, "GET", "/mandates" if path == "/mandates" else "/pitches")
    answer = await rs.call(caller, "POST", path, body)
    assert answer.status_code == status, answer.text
    assert field_of(answer.json()) == field, answer.json()
    after = await rs.ok(caller, "GET", "/mandates" if path == "/mandates" else "/pitches")
    assert after["total"] == before["total"]


async def test_decks_too_large_of_the_wrong_type_or_disguised_are_refused(rs: RS) -> None:
    pitch = await rs.pitch(ENT)
    url = f"/pitches/{pitch['id']}/deck"
    cases = [
        (b"%PDF-" + b"0" * 60_000, "application/pdf", 413, "deck_too_large"),
        (b"hello", "text/plain", 422, "deck_type"),
        (b"MZ\x90\x00 not a pdf", "application/pdf", 422, "deck_content"),
    ]
    for data, kind, status, code in cases:
        answer = await rs.call(ENT, "PUT", url, content=data, headers={"Content-Type": kind})
        assert answer.status_code == status, answer.text
        assert field_of(answer.json()) == "deck" and code_of(answer.json()) == code
    assert (await rs.ok(ENT, "GET", f"/pitches/{pitch['id']}"))["deck"] is None
    missing = await rs.call(ENT, "GET", url)
    assert missing.status_code == 404
    await rs.ok(ENT, "PUT", url, content=PDF, headers={"Content-Type": "application/pdf"})
    got = await rs.call(INV, "GET", url)
    assert got.status_code == 200 and got.content == PDF
    stranger = await rs.call(make_caller(OrgType.enterprise), "GET", url)
    assert stranger.status_code == 403


async def test_pitching_outside_the_domain_is_refused_and_nothing_stored(rs: RS) -> None:
    rid = (await rs.roadshow(48, domain="biomed"))["id"]
    pitch = await rs.pitch(ENT)  # ai + manufacturing
    answer = await rs.call(ENT, "POST", f"/roadshows/{rid}/applications", {"pitch_id": pitch["id"]})
    assert answer.status_code == 422 and code_of(answer.json()) == "outside_domain"
    assert field_of(answer.json()) == "pitch_id"
    assert (await rs.ok(ENT, "GET", f"/roadshows/{rid}/applications/mine"))["total"] == 0
    twice = await rs.roadshow(48)
    await rs.ok(ENT, "POST", f"/roadshows/{twice['id']}/applications", {"pitch_id": pitch["id"]})
    again = await rs.call(ENT, "POST", f"/roadshows/{twice['id']}/applications",
                          {"pitch_id": pitch["id"]})  # fmt: skip
    assert again.status_code == 409 and code_of(again.json()) == "already_applied"
    url = f"/roadshows/{twice['id']}/applications"
    other = await rs.call(make_caller(OrgType.enterprise), "POST", url, {"pitch_id": pitch["id"]})
    assert other.status_code == 403


async def test_booking_a_past_roadshow_and_cancelling_after_the_cutoff(rs: RS) -> None:
    roadshow = await rs.roadshow(30, cancel_cutoff_hours=24)
    rid = roadshow["id"]
    investor = make_caller(OrgType.investor)
    await rs.ok(investor, "POST", f"/roadshows/{rid}/seats")
    rs.clock.offset = dt.timedelta(hours=10)  # 20 h before the start: past the cut-off
    late = await rs.call(investor, "POST", f"/roadshows/{rid}/seats/cancel")
    assert late.status_code == 409 and code_of(late.json()) == "cancel_cutoff_passed"
    rs.clock.offset = dt.timedelta(hours=31)
    past = await rs.call(make_caller(OrgType.investor), "POST", f"/roadshows/{rid}/seats")
    assert past.status_code == 409 and code_of(past.json()) == "roadshow_past"
    rs.clock.offset = dt.timedelta(hours=33)
    closed = await rs.ok(rs.operator, "POST", f"/roadshows/{rid}/close")
    assert closed["no_shows"] == 1
    assert (await rs.ok(investor, "GET", f"/roadshows/{rid}/seats/mine"))["state"] == "forfeited"


async def test_funnel_steps_out_of_order_or_incomplete(rs: RS) -> None:
    rid = (await rs.roadshow(48))["id"]
    investor, ent = make_caller(OrgType.investor), make_caller(OrgType.enterprise)
    pitch = await rs.pitch(ent)
    app = await rs.ok(ent, "POST", f"/roadshows/{rid}/applications", {"pitch_id": pitch["id"]})
    await rs.ok(rs.operator, "POST", f"/applications/{app['id']}/select")
    early = await rs.call(investor, "POST", f"/roadshows/{rid}/meetings", {"pitch_id": pitch["id"]})
    assert early.status_code == 409 and code_of(early.json()) == "no_seat"
    await rs.ok(investor, "POST", f"/roadshows/{rid}/seats")
    m = await rs.ok(investor, "POST", f"/roadshows/{rid}/meetings", {"pitch_id": pitch["id"]})
    url = f"/meetings/{m['id']}/followup"
    unscheduled = await rs.call(investor, "POST", url, {"stage": "met"})
    assert code_of(unscheduled.json()) == "meeting_not_scheduled"
    await rs.ok(ent, "POST", f"/meetings/{m['id']}/accept")
    await rs.ok(rs.operator, "POST", f"/roadshows/{rid}/meetings/schedule")
    skip = await rs.call(investor, "POST", url, {"stage": "term_sheet"})
    assert skip.status_code == 409 and code_of(skip.json()) == "out_of_order"
    await rs.ok(investor, "POST", url, {"stage": "met"})
    waiting = await rs.call(investor, "POST", url, {"stage": "due_diligence"})
    assert code_of(waiting.json()) == "awaiting_confirmation"
    assert (await rs.call(investor, "POST", f"{url}/confirm")).status_code == 403
    await rs.ok(ent, "POST", f"{url}/confirm")
    for body in ({"stage": "due_diligence"}, {"stage": "term_sheet"}):
        await rs.ok(investor, "POST", url, body)
        await rs.ok(ent, "POST", f"{url}/confirm")
    no_amount = await rs.call(investor, "POST", url, {"stage": "invested"})
    assert no_amount.status_code == 422 and field_of(no_amount.json()) == "amount_cny"
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    later = await rs.call(
        investor, "POST", url, {"stage": "invested", "amount_cny": 1, "invested_on": future}
    )
    assert later.status_code == 422 and field_of(later.json()) == "invested_on"
    await rs.ok(investor, "POST", url, {"stage": "passed", "reason": "估值不匹配"})
    disputed = await rs.ok(ent, "POST", f"{url}/dispute")
    assert disputed["stage"] == "term_sheet" and disputed["pending"] is None


@pytest.mark.parametrize(
    "query", ["/compliance?month=2025-13", "/compliance?months=99", "/roadshows?limit=100000",
              "/compliance?domain=AI%20x", "/roadshows?month=25-01"],
)  # fmt: skip
async def test_bad_queries_are_422_naming_the_parameter(rs: RS, query: str) -> None:
    answer = await rs.call(rs.operator, "GET", query)
    assert answer.status_code == 422, answer.text
    assert field_of(answer.json())


async def test_a_poison_tier_event_goes_to_the_dlq_and_the_consumer_carries_on(rs: RS) -> None:
    topic = rs.topic("identity.enterprise")
    producer = AIOKafkaProducer(bootstrap_servers=rs.settings.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"{not json", key=b"poison")
    finally:
        await producer.stop()
    ent = make_caller(OrgType.enterprise)
    await publish(rs, tier_changed(ent.organisation_id, "scale_to_strong"), ent.organisation_id,
                  "identity")  # fmt: skip
    await eventually(lambda: rs.deps.repos.tiers.get(ent.organisation_id))
    dlq = AIOKafkaConsumer(f"{topic}.dlq", bootstrap_servers=rs.settings.kafka_bootstrap,
                           group_id=None, auto_offset_reset="earliest")  # fmt: skip
    await dlq.start()
    try:

        async def parked() -> bool:
            batch = await dlq.getmany(timeout_ms=500)
            return any(m.key == b"poison" for ms in batch.values() for m in ms)

        assert await eventually(parked)
    finally:
        await dlq.stop()
    pitch = await rs.pitch(ent)
    assert pitch["priority_tier"] == "scale_to_strong"
