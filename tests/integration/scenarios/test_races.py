"""Races on the real engines: one close of a panel among 20, one award per slot, one
proposal per enterprise, no lost scorecard when experts score at once, a batch once."""

from __future__ import annotations

import asyncio

import pytest

from shared.auth import OrgType
from tests.integration.scenarios.conftest import (
    SC,
    expert,
    of_type,
    proposal_body,
    publisher,
    scenario_body,
    wait_for_events,
)
from tests.support.auth import make_caller

pytestmark = pytest.mark.integration
SCORES = {"tech": 8, "team": 7, "price": 6, "cases": 5}


async def _ready(sc: SC, applicants: int, experts: int = 2, **overrides: object) -> tuple:
    gov = publisher()
    s = await sc.published(gov, **overrides)
    ents = [make_caller(OrgType.enterprise) for _ in range(applicants)]
    props = [await sc.ok(e, "POST", f"/scenarios/{s['id']}/proposals", proposal_body(2_000_000 + i))
             for i, e in enumerate(ents)]  # fmt: skip
    panel = [expert() for _ in range(experts)]
    body = {"experts": [{"user_id": e.user_id, "org_id": e.organisation_id} for e in panel]}
    await sc.ok(gov, "PUT", f"/scenarios/{s['id']}/panel", body)
    return gov, s, props, panel


async def test_twenty_closes_one_wins_one_event(sc: SC) -> None:
    gov, s, props, panel = await _ready(sc, 2)
    sc.past_deadline()
    for e in panel:
        for p in props:
            await sc.ok(e, "POST", f"/scenarios/{s['id']}/scores",
                        {"proposal_id": p["id"], "scores": SCORES})  # fmt: skip
    answers = await asyncio.gather(
        *[sc.call(gov, "POST", f"/scenarios/{s['id']}/panel/close") for _ in range(20)]
    )
    codes = sorted(a.status_code for a in answers)
    assert codes.count(200) == 1 and codes.count(409) == 19, codes
    late = await sc.call(panel[0], "POST", f"/scenarios/{s['id']}/scores",
                         {"proposal_id": props[0]["id"], "scores": SCORES})  # fmt: skip
    assert late.status_code == 409
    seen = await wait_for_events(
        sc, ["scenarios.panel"], lambda ev: bool(of_type(ev, "scenarios.panel.closed", s["id"]))
    )
    assert len(of_type(seen, "scenarios.panel.closed", s["id"])) == 1


async def test_experts_scoring_at_once_lose_no_card(sc: SC) -> None:
    gov, s, props, panel = await _ready(sc, 3, experts=5)
    sc.past_deadline()
    await asyncio.gather(*[
        sc.ok(e, "POST", f"/scenarios/{s['id']}/scores", {"proposal_id": p["id"], "scores": SCORES})
        for e in panel for p in props
    ])  # fmt: skip
    closed = await sc.ok(gov, "POST", f"/scenarios/{s['id']}/panel/close")
    assert len(closed["cards"]) == 15


async def test_award_slots_are_exact(sc: SC) -> None:
    gov, s, props, panel = await _ready(sc, 6, award_slots=2)
    sc.past_deadline()
    for p in props:
        await sc.ok(panel[0], "POST", f"/scenarios/{s['id']}/scores",
                    {"proposal_id": p["id"], "scores": SCORES})  # fmt: skip
    await sc.ok(gov, "POST", f"/scenarios/{s['id']}/panel/close")
    answers = await asyncio.gather(*[
        sc.call(gov, "POST", f"/scenarios/{s['id']}/awards",
                {"proposal_id": p["id"], "reason": "综合考虑交付能力"})
        for p in props for _ in range(3)
    ])  # fmt: skip
    won = [a.json() for a in answers if a.status_code == 200]
    assert len(won) == 2 and all(a.status_code in (200, 409) for a in answers)
    assert sorted(w["award"]["slot"] for w in won) == [1, 2]
    assert len({w["id"] for w in won}) == 2


async def test_one_proposal_per_enterprise(sc: SC) -> None:
    s = await sc.published(publisher())
    ent = make_caller(OrgType.enterprise)
    answers = await asyncio.gather(*[
        sc.call(ent, "POST", f"/scenarios/{s['id']}/proposals", proposal_body()) for _ in range(10)
    ])  # fmt: skip
    codes = sorted(a.status_code for a in answers)
    assert codes.count(201) == 1 and codes.count(409) == 9, codes


async def test_a_batch_is_published_once(sc: SC) -> None:
    gov = publisher()
    s = await sc.ok(gov, "POST", "/scenarios", scenario_body())
    body = {"year": 2029, "number": 7, "title": "并发批次", "scenario_ids": [s["id"]]}
    answers = await asyncio.gather(
        *[sc.call(sc.operator, "POST", "/batches", body) for _ in range(8)]
    )
    codes = sorted(a.status_code for a in answers)
    assert codes.count(201) == 1 and codes.count(409) == 7, codes
