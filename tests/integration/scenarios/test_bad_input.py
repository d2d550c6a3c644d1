"""Bad input gets a 4xx naming the field and the rule, and nothing partial is stored:
weights not summing to 100, a score outside its scale, applying after the deadline, a
failed hard requirement, scoring with a conflict or one's own organisation, awarding
against the ranking without reasons, unknown codes, malformed bodies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.scenarios.usecases.projections import on_tier_changed
from shared.auth import OrgType
from tests.integration.scenarios.conftest import (
    CRITERIA,
    FACTS,
    SC,
    at,
    eventually,
    expert,
    proposal_body,
    publish,
    publisher,
    scenario_body,
)
from tests.support.auth import make_caller
from tests.support.problems import code_of, field_of, fields_of

pytestmark = pytest.mark.integration
SCORES = {"tech": 8, "team": 7, "price": 6, "cases": 5}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"criteria": [{**CRITERIA[0], "weight": 50}, *CRITERIA[1:]]}, "criteria"),
        ({"criteria": [{**CRITERIA[0], "scale": 0}, *CRITERIA[1:]]}, "criteria.0.scale"),
        ({"deadline": at(-1)}, "deadline"),
        ({"budget_cny": [5, 1]}, "budget_cny"),
        ({"domain": "astrology"}, "domain"),
        ({"award_slots": "2"}, "award_slots"),
        ({"title": "a\x00b"}, "title"),
        ({"timeline": {"starts_on": "2027-06-01", "ends_on": "2027-01-01"}}, "timeline"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
async def test_a_bad_scenario_names_the_field_and_stores_nothing(
    sc: SC, overrides: dict, field: str
) -> None:
    gov = publisher()
    answer = await sc.call(gov, "POST", "/scenarios", scenario_body(**overrides))
    assert answer.status_code == 422, answer.text
    assert any(f.startswith(field) or field.startswith(f) for f in fields_of(answer.json())), (
        answer.json()
    )
    listed = await sc.ok(gov, "GET", "/scenarios")
    assert all(s["publisher_org_id"] != gov.organisation_id for s in listed["items"])


async def test_weights_message_names_the_rule(sc: SC) -> None:
    body = scenario_body(criteria=[{**CRITERIA[0], "weight": 50}, *CRITERIA[1:]])
    answer = await sc.call(
        publisher(), "POST", "/scenarios", body, headers={"Accept-Language": "en"}
    )
    assert "sum to 100" in answer.text


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({**FACTS, "qualifications": []}, "requirements.qualifications"),
        ({**FACTS, "trl": 4}, "requirements.min_trl"),
    ],
)
async def test_a_failed_hard_requirement_is_named_and_nothing_stored(
    sc: SC, facts: dict, field: str
) -> None:
    s = await sc.published(publisher())
    ent = make_caller(OrgType.enterprise)
    answer = await sc.call(
        ent, "POST", f"/scenarios/{s['id']}/proposals", proposal_body(facts=facts)
    )
    assert answer.status_code == 422 and field_of(answer.json()) == field
    assert code_of(answer.json()).startswith("requirement_not_met_")
    pid = f"{s['id']}--{ent.organisation_id}"
    assert (await sc.call(ent, "GET", f"/proposals/{pid}")).status_code == 404


async def test_registration_in_beijing_comes_from_identity(sc: SC) -> None:
    s = await sc.published(publisher())
    outside = make_caller(OrgType.enterprise, district=None)  # claims it, identity does not
    bad = await sc.call(outside, "POST", f"/scenarios/{s['id']}/proposals", proposal_body())
    assert field_of(bad.json()) == "requirements.beijing_registered"


async def test_tier_requirement_is_checked_against_identity_tier_events(sc: SC) -> None:
    s = await sc.published(publisher(), requirements={"tier": "small_to_scale"})
    ent = make_caller(OrgType.enterprise)
    declared = proposal_body(facts={**FACTS, "tiers": ["small_to_scale"]})  # not enough
    bad = await sc.call(ent, "POST", f"/scenarios/{s['id']}/proposals", declared)
    assert bad.status_code == 422 and field_of(bad.json()) == "requirements.tier"
    await publish(sc, tier_changed(ent.organisation_id, "small_to_scale"),
                  ent.organisation_id, "identity")  # fmt: skip

    async def known() -> bool:
        return await sc.deps.repos.tiers.get(ent.organisation_id) is not None

    await eventually(known)
    await sc.ok(ent, "POST", f"/scenarios/{s['id']}/proposals", proposal_body())
    # an older, replayed history entry never rolls the tier back
    older = tier_changed(ent.organisation_id, "small_to_scale", 0, "removed")
    await on_tier_changed(sc.deps, older)
    held = await sc.deps.repos.tiers.get(ent.organisation_id)
    assert held is not None and held.state.tiers == ["small_to_scale"]


def tier_changed(enterprise_id: str, tier: str, sequence: int = 1, action: str = "added") -> Any:
    from shared.events.contracts.identity import EnterpriseTierChanged

    return EnterpriseTierChanged(
        enterprise_id=enterprise_id, enterprise_name="示例企业", district="haidian", tier=tier,
        action=action, reason="测试", automatic=False, sequence=sequence,
        changed_at=dt.datetime.now(dt.UTC), tiers=[tier] if action == "added" else [],
    )  # fmt: skip


async def test_applying_after_the_deadline_and_to_a_draft(sc: SC) -> None:
    gov = publisher()
    s = await sc.published(gov)
    draft = await sc.ok(gov, "POST", "/scenarios", scenario_body())
    ent = make_caller(OrgType.enterprise)
    refused = await sc.call(ent, "POST", f"/scenarios/{draft['id']}/proposals", proposal_body())
    assert refused.status_code == 409 and code_of(refused.json()) == "applications_closed"
    sc.past_deadline()
    late = await sc.call(ent, "POST", f"/scenarios/{s['id']}/proposals", proposal_body())
    assert late.status_code == 409 and field_of(late.json()) == "deadline"


async def _scoring(sc: SC) -> tuple:
    gov = publisher()
    s = await sc.published(gov)
    ent = make_caller(OrgType.enterprise)
    p = await sc.ok(ent, "POST", f"/scenarios/{s['id']}/proposals", proposal_body())
    e1 = expert()
    insider = make_caller(OrgType.enterprise, org_id=ent.organisation_id)
    body = {"experts": [{"user_id": e.user_id, "org_id": e.organisation_id} for e in (e1, insider)]}
    await sc.ok(gov, "PUT", f"/scenarios/{s['id']}/panel", body)
    return gov, s, ent, p, e1, insider


async def test_scoring_rules(sc: SC) -> None:
    gov, s, ent, p, e1, insider = await _scoring(sc)
    path = f"/scenarios/{s['id']}/scores"
    early = await sc.call(e1, "POST", path, {"proposal_id": p["id"], "scores": SCORES})
    assert early.status_code == 409 and code_of(early.json()) == "applications_open"
    sc.past_deadline()
    cases = [
        (e1, {**SCORES, "tech": 11}, 422, "scores.tech", "score_out_of_scale"),
        (e1, {**SCORES, "tech": -1}, 422, "scores.tech", "score_out_of_scale"),
        (
            e1,
            {k: v for k, v in SCORES.items() if k != "cases"},
            422,
            "scores.cases",
            "score_missing",
        ),
        (e1, {**SCORES, "vibes": 3}, 422, "scores.vibes", "unknown_criterion"),
        (insider, SCORES, 403, "proposal_id", "own_organisation"),
    ]
    for who, scores, status, field, code in cases:
        answer = await sc.call(who, "POST", path, {"proposal_id": p["id"], "scores": scores})
        assert answer.status_code == status, answer.text
        assert (field_of(answer.json()), code_of(answer.json())) == (field, code)
    coerced = await sc.call(
        e1, "POST", path, {"proposal_id": p["id"], "scores": {**SCORES, "tech": "8"}}
    )
    assert coerced.status_code == 422
    await sc.ok(
        e1, "POST", f"/scenarios/{s['id']}/conflicts", {"enterprise_org_id": ent.organisation_id}
    )
    conflicted = await sc.call(e1, "POST", path, {"proposal_id": p["id"], "scores": SCORES})
    assert conflicted.status_code == 403 and code_of(conflicted.json()) == "conflict_of_interest"
    panel = await sc.ok(gov, "GET", f"/scenarios/{s['id']}/panel")
    assert panel["cards"] == []
    closed = await sc.ok(gov, "POST", f"/scenarios/{s['id']}/panel/close")
    assert closed["cards"] == [] and closed["ranking"][0]["weighted_score"] == 0


async def test_declaring_a_conflict_drops_the_card(sc: SC) -> None:
    _gov, s, ent, p, e1, _ = await _scoring(sc)
    sc.past_deadline()
    await sc.ok(
        e1, "POST", f"/scenarios/{s['id']}/scores", {"proposal_id": p["id"], "scores": SCORES}
    )
    await sc.ok(
        e1, "POST", f"/scenarios/{s['id']}/conflicts", {"enterprise_org_id": ent.organisation_id}
    )
    assert (await sc.ok(e1, "GET", f"/scenarios/{s['id']}/panel"))["cards"] == []


async def test_departing_from_the_ranking_needs_reasons(sc: SC) -> None:
    gov = publisher()
    s = await sc.published(gov)
    ents = [make_caller(OrgType.enterprise) for _ in range(2)]
    props = [
        await sc.ok(e, "POST", f"/scenarios/{s['id']}/proposals", proposal_body()) for e in ents
    ]
    e1 = expert()
    panel = {"experts": [{"user_id": e1.user_id, "org_id": e1.organisation_id}]}
    await sc.ok(gov, "PUT", f"/scenarios/{s['id']}/panel", panel)
    sc.past_deadline()
    early = await sc.call(
        gov, "POST", f"/scenarios/{s['id']}/awards", {"proposal_id": props[1]["id"]}
    )
    assert early.status_code == 409 and code_of(early.json()) == "panel_open"
    hidden = await sc.call(gov, "GET", f"/scenarios/{s['id']}/ranking")
    assert hidden.status_code == 409
    await sc.ok(
        e1,
        "POST",
        f"/scenarios/{s['id']}/scores",
        {"proposal_id": props[0]["id"], "scores": SCORES},
    )
    await sc.ok(gov, "POST", f"/scenarios/{s['id']}/panel/close")
    second = props[1]["id"]
    refused = await sc.call(gov, "POST", f"/scenarios/{s['id']}/awards", {"proposal_id": second})
    assert refused.status_code == 422 and field_of(refused.json()) == "reason"
    held = await sc.ok(gov, "GET", f"/proposals/{second}")
    assert held["state"] == "submitted"
    body = {"proposal_id": second, "reason": "第一名无法满足交付周期"}
    won = await sc.ok(gov, "POST", f"/scenarios/{s['id']}/awards", body)
    assert won["award"]["departure_reason"] == body["reason"] and won["award"]["rank"] == 2
    await sc.ok(gov, "POST", f"/scenarios/{s['id']}/results")
    first = await sc.ok(ents[0], "GET", f"/proposals/{props[0]['id']}/result")
    assert first["rank"] == 1 and first["departures"] == [{"rank": 2, "reason": body["reason"]}]


async def test_malformed_and_unknown(sc: SC) -> None:
    ent = make_caller(OrgType.enterprise)
    answer = await sc.call(ent, "PUT", "/mutes/astrology")
    assert answer.status_code == 422 and field_of(answer.json()) == "domain"
    broken = await sc.client.post(
        "/capabilities",
        content=b"{",
        headers={
            "Content-Type": "application/json",
            **{"Authorization": f"Bearer {sc.mint.token(ent)}"},
        },
    )
    assert broken.status_code == 422
    body = {"year": 2031, "number": 1, "title": "批次", "scenario_ids": ["nope"]}
    missing = await sc.call(sc.operator, "POST", "/batches", body)
    assert missing.status_code == 422 and field_of(missing.json()) == "scenario_ids.0"
    assert (await sc.call(sc.operator, "GET", "/batches/2031-1")).status_code == 404
    bad_index = await sc.call(ent, "POST", "/proposals/x/milestones/100/report")
    assert bad_index.status_code == 422
