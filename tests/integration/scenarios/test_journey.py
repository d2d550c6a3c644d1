"""The journey on the real engines: publish in a batch -> push (matching's suggestion
consumed) -> apply -> experts score -> close -> award -> results -> milestones -> built;
the events of one flow are on their topics."""

from __future__ import annotations

import asyncio

import pytest

from shared.auth import OrgType
from shared.events.contracts.matching import MatchSuggested
from tests.integration.scenarios.conftest import (
    SC,
    capability_body,
    eventually,
    expert,
    of_type,
    proposal_body,
    publish,
    publisher,
    wait_for_events,
)
from tests.support.auth import make_caller

pytestmark = pytest.mark.integration


def suggestion(scenario: dict, capability: dict, summary: str = "关键词：影像AI") -> MatchSuggested:
    return MatchSuggested(
        match_id=f"{scenario['id']}|{capability['id']}",
        trigger="ranking",
        reason="entered_top",
        side="supply",
        recipient_org_id=capability["owner_org_id"],
        demand_id=scenario["id"],
        demand_kind="scenario",
        demand_org_id=scenario["publisher_org_id"],
        supply_id=capability["id"],
        supply_kind="capability",
        supply_org_id=capability["owner_org_id"],
        score=0.8,
        rank=1,
        summary=summary,
    )


async def test_publish_push_apply_score_award_milestones_built(sc: SC) -> None:
    gov = publisher()
    ent_a, ent_b, ent_c = (make_caller(OrgType.enterprise) for _ in range(3))
    cap = await sc.ok(ent_a, "POST", "/capabilities", capability_body())
    muted_cap = await sc.ok(ent_c, "POST", "/capabilities", capability_body())
    await sc.ok(ent_c, "PUT", "/mutes/health")
    s = await sc.published(gov)
    sid = s["id"]
    assert s["state"] == "published" and s["batch_id"]
    listed = await sc.ok(ent_a, "GET", f"/scenarios?batch={s['batch_id']}&domain=health")
    assert [x["id"] for x in listed["items"]] == [sid]

    # push: matching's supply-side suggestions -> one push each, none for the muted domain
    await publish(sc, suggestion(s, cap), cap["id"], "matching")
    await publish(sc, suggestion(s, muted_cap), muted_cap["id"], "matching")
    await publish(sc, suggestion(s, cap), cap["id"], "matching")  # a redelivery

    async def pushed() -> list:
        return (await sc.ok(ent_a, "GET", "/pushes"))["items"]

    pushes = await eventually(pushed)
    assert pushes[0]["scenario_id"] == sid and "影像AI" in pushes[0]["explanation"]

    # apply (揭榜): A and B; B edits before the deadline
    pa = await sc.ok(ent_a, "POST", f"/scenarios/{sid}/proposals", proposal_body(2_800_000))
    pb = await sc.ok(ent_b, "POST", f"/scenarios/{sid}/proposals", proposal_body(3_000_000))
    pb = await sc.ok(ent_b, "PUT", f"/proposals/{pb['id']}", proposal_body(2_900_000))
    assert pb["content"]["price_cny"] == 2_900_000

    # the panel: two experts from universities
    e1, e2 = expert(), expert()
    experts = [{"user_id": e.user_id, "org_id": e.organisation_id} for e in (e1, e2)]
    await sc.ok(gov, "PUT", f"/scenarios/{sid}/panel", {"experts": experts})
    sc.past_deadline()
    frozen = await sc.call(ent_b, "PUT", f"/proposals/{pb['id']}", proposal_body(1))
    assert frozen.status_code == 409 and frozen.json()["errors"][0]["code"] == "proposal_frozen"
    high = {"tech": 9, "team": 8, "price": 8, "cases": 7}
    low = {"tech": 6, "team": 7, "price": 9, "cases": 6}
    for e in (e1, e2):
        await sc.ok(
            e, "POST", f"/scenarios/{sid}/scores", {"proposal_id": pa["id"], "scores": high}
        )
        await sc.ok(e, "POST", f"/scenarios/{sid}/scores", {"proposal_id": pb["id"], "scores": low})
    # hidden until the close: e1 sees only its own cards, the publisher none
    assert {c["user_id"] for c in (await sc.ok(e1, "GET", f"/scenarios/{sid}/panel"))["cards"]} == {
        e1.user_id
    }
    assert (await sc.ok(gov, "GET", f"/scenarios/{sid}/panel"))["cards"] == []
    hidden = await sc.ok(ent_b, "GET", f"/proposals/{pb['id']}/result")
    assert "rank" not in hidden and hidden["panel_closed"] is False

    panel = await sc.ok(gov, "POST", f"/scenarios/{sid}/panel/close")
    assert [r["proposal_id"] for r in panel["ranking"]] == [pa["id"], pb["id"]]
    assert panel["ranking"][0]["weighted_score"] == pytest.approx(
        40 * 0.9 + 20 * 0.8 + 20 * 0.8 + 20 * 0.7
    )
    assert len((await sc.ok(e1, "GET", f"/scenarios/{sid}/panel"))["cards"]) == 4

    awarded = await sc.ok(gov, "POST", f"/scenarios/{sid}/awards", {"proposal_id": pa["id"]})
    assert awarded["state"] == "awarded" and awarded["award"]["slot"] == 1
    result = await sc.ok(gov, "POST", f"/scenarios/{sid}/results")
    assert result["state"] == "awarded" and result["awarded_org_ids"] == [ent_a.organisation_id]
    public = await sc.client.get("/results")
    assert any(r["scenario_id"] == sid for r in public.json()["items"])
    mine = await sc.ok(ent_b, "GET", f"/proposals/{pb['id']}/result")
    assert mine["state"] == "declined" and mine["rank"] == 2 and len(mine["scorecards"]) == 2
    assert "user_id" not in str(mine["scorecards"])

    ms = {
        "milestones": [
            {"title": "部署上线", "due_on": "2027-03-01"},
            {"title": "试运行验收", "due_on": "2027-06-01"},
        ]
    }
    await sc.ok(gov, "PUT", f"/proposals/{pa['id']}/milestones", ms)
    early = await sc.call(gov, "POST", f"/scenarios/{sid}/complete")
    assert early.status_code == 409
    for i in (0, 1):
        await sc.ok(ent_a, "POST", f"/proposals/{pa['id']}/milestones/{i}/report")
        done = await sc.ok(gov, "POST", f"/proposals/{pa['id']}/milestones/{i}/accept")
    assert done["state"] == "delivered"
    built = await sc.ok(gov, "POST", f"/scenarios/{sid}/complete")
    assert built["state"] == "completed"

    topics = ["scenarios.scenario", "scenarios.proposal", "scenarios.panel", "scenarios.push"]
    topics += ["scenarios.batch", "scenarios.milestone", "scenarios.score"]
    want = [
        ("scenarios.scenario.published", sid, 1), ("scenarios.push.sent", None, 1),
        ("scenarios.panel.closed", sid, 1), ("scenarios.proposal.awarded", pa["id"], 1),
        ("scenarios.proposal.declined", pb["id"], 1),
        ("scenarios.milestone.accepted", pa["id"], 2), ("scenarios.score.recorded", sid, 4),
        ("scenarios.scenario.completed", sid, 1),
    ]  # fmt: skip

    def complete(ev: list) -> bool:
        return all(len(of_type(ev, t, subject)) >= n for t, subject, n in want)

    seen = await wait_for_events(sc, topics, complete)
    for t, subject, n in want:  # exactly: once, and no push to the muted enterprise
        assert len(of_type(seen, t, subject)) == n, t
    recorded = of_type(seen, "scenarios.score.recorded", sid)
    assert all("scores" not in e["data"] for e in recorded)


async def test_poison_on_the_match_topic_goes_to_the_dlq_and_pushes_carry_on(sc: SC) -> None:
    from aiokafka import AIOKafkaProducer

    s = await sc.published(publisher())
    ent = make_caller(OrgType.enterprise)
    cap = await sc.ok(ent, "POST", "/capabilities", capability_body())
    producer = AIOKafkaProducer(bootstrap_servers=sc.settings.kafka_bootstrap)
    await producer.start()
    try:  # same key as the good event: same partition, so it is read first
        await producer.send_and_wait(
            sc.topic("matching.match"), b"{not json", key=cap["id"].encode()
        )
    finally:
        await producer.stop()
    await publish(sc, suggestion(s, cap), cap["id"], "matching")

    async def pushed() -> list:
        return (await sc.ok(ent, "GET", "/pushes"))["items"]

    assert (await eventually(pushed))[0]["scenario_id"] == s["id"]
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        sc.topic("matching.match.dlq"),
        bootstrap_servers=sc.settings.kafka_bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        async with asyncio.timeout(20):
            found: list = []
            while not any(r.value == b"{not json" for r in found):
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    found.extend(records)
    finally:
        await consumer.stop()
