"""Scenario market rules without I/O: state tables, weights, hard requirements, the
deadline freeze, scoring rules, the weighted ranking and its tie-break, milestones."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from pydantic import ValidationError

from services.scenarios.domain import panel as P
from services.scenarios.domain import proposals as R
from services.scenarios.domain import scenarios as S
from shared.errors import ConflictError, ForbiddenError, InvalidInput
from shared.transitions import InvalidTransition

pytestmark = pytest.mark.unit
NOW = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
CRITERIA = [
    {"code": "tech", "name": "技术", "weight": 40, "scale": 10},
    {"code": "team", "name": "团队", "weight": 40, "scale": 5},
    {"code": "price", "name": "报价", "weight": 20, "scale": 10},
]


def content(**kw: object) -> S.ScenarioIn:
    base = {
        "title": "场景", "problem": "问题", "domain": "health", "site": "某地",
        "budget_cny": [1, 2], "timeline": {"starts_on": "2027-02-01", "ends_on": "2027-03-01"},
        "requirements": {"qualifications": ["nmpa_reg"], "beijing_registered": True, "min_trl": 6},
        "criteria": CRITERIA, "deadline": NOW + dt.timedelta(days=10),
    }  # fmt: skip
    return S.ScenarioIn.model_validate({**base, **kw})


def published() -> S.Scenario:
    t = S.submit("s1", "gov", content(), NOW)
    return S.publish_in(t.entity, "2027-1", NOW).entity


FACTS = R.Facts(qualifications=["nmpa_reg"], beijing_registered=True, trl=7)


def proposal(org: str, price: int = 100, at: dt.datetime = NOW) -> R.Proposal:
    body = R.ProposalIn(approach="方案", price_cny=price, facts=FACTS)
    return R.submit(published(), org, body, at).entity


@pytest.mark.parametrize(
    ("state", "action"),
    list(
        itertools.product(S.ScenarioState, ["update", "publish", "withdraw", "award", "complete"])
    ),
)
def test_scenario_table_allows_exactly_its_pairs(state: S.ScenarioState, action: str) -> None:
    s = S.submit("s1", "gov", content(), NOW).entity.model_copy(update={"state": state})
    if (state, action) in S.TABLE:
        assert S.change(s, action, NOW).entity.state is S.TABLE[(state, action)][0]
    else:
        with pytest.raises(InvalidTransition):
            S.change(s, action, NOW)


@pytest.mark.parametrize(
    "criteria",
    [
        [{**CRITERIA[0], "weight": 41}, *CRITERIA[1:]],
        [{**CRITERIA[0], "weight": 39}, *CRITERIA[1:]],
        [CRITERIA[0], CRITERIA[0], CRITERIA[2]],
    ],
)
def test_weights_must_sum_to_100_with_unique_codes(criteria: list) -> None:
    with pytest.raises(ValidationError) as err:
        content(criteria=criteria)
    assert err.value.errors()[0]["loc"][0] == "criteria"


def test_a_past_deadline_is_refused_at_submission() -> None:
    with pytest.raises(InvalidInput) as err:
        S.submit("s1", "gov", content(deadline=NOW - dt.timedelta(minutes=1)), NOW)
    assert err.value.field == "deadline"


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        (FACTS.model_copy(update={"qualifications": []}), "requirements.qualifications"),
        (FACTS.model_copy(update={"beijing_registered": False}), "requirements.beijing_registered"),
        (FACTS.model_copy(update={"trl": 5}), "requirements.min_trl"),
        (FACTS.model_copy(update={"trl": None}), "requirements.min_trl"),
    ],
)
def test_the_failed_hard_requirement_is_named(facts: R.Facts, field: str) -> None:
    body = R.ProposalIn(approach="方案", price_cny=1, facts=facts)
    with pytest.raises(InvalidInput) as err:
        R.submit(published(), "ent", body, NOW)
    assert err.value.field == field


def test_proposals_freeze_at_the_deadline() -> None:
    p, s = proposal("ent"), published()
    body = R.ProposalIn(approach="新方案", price_cny=90, facts=FACTS)
    assert R.change(p, s, "update", NOW, content=body).entity.content.price_cny == 90
    deadline = s.content.deadline
    for action, extra in (("update", {"content": body}), ("withdraw", {})):
        with pytest.raises(ConflictError) as err:
            R.change(p, s, action, deadline, **extra)
        assert err.value.code == "proposal_frozen"
    with pytest.raises(ConflictError):
        R.submit(s, "late", body, deadline)


def _panel() -> P.Panel:
    body = P.PanelIn(
        experts=[P.Expert(user_id="u1", org_id="uni1"), P.Expert(user_id="u2", org_id="ent")]
    )
    return P.name("s1", "gov", body, None).entity


def test_scoring_rules() -> None:
    crit = published().content.criteria
    p, panel = proposal("ent"), _panel()
    good = P.ScoreIn(proposal_id=p.id, scores={"tech": 10, "team": 5, "price": 0})
    assert len(P.score(panel, "u1", "uni1", p, good, crit, NOW).entity.cards) == 1
    with pytest.raises(ForbiddenError):
        P.score(panel, "u2", "ent", p, good, crit, NOW)  # own organisation
    with pytest.raises(ForbiddenError):
        P.score(panel, "u9", "uni1", p, good, crit, NOW)  # not on the panel
    with pytest.raises(InvalidInput) as err:
        P.score(
            panel,
            "u1",
            "uni1",
            p,
            P.ScoreIn(proposal_id=p.id, scores={"tech": 10, "team": 6, "price": 0}),
            crit,
            NOW,
        )
    assert err.value.field == "scores.team"
    conflicted = P.declare(panel, "u1", "uni1", "ent").entity
    with pytest.raises(ForbiddenError) as err2:
        P.score(conflicted, "u1", "uni1", p, good, crit, NOW)
    assert err2.value.code == "conflict_of_interest"
    closed = P.close(panel, [p], crit, 3, NOW).entity
    with pytest.raises(InvalidTransition):
        P.close(closed, [p], crit, 3, NOW)
    with pytest.raises(InvalidTransition):
        P.score(closed, "u1", "uni1", p, good, crit, NOW)


def _card(p: R.Proposal, user: str, **scores: int) -> P.Scorecard:
    return P.Scorecard(
        user_id=user, proposal_id=p.id, enterprise_org_id=p.enterprise_org_id, scores=scores, at=NOW
    )


def test_ranking_weights_and_tie_break() -> None:
    crit = published().content.criteria
    a = proposal("a", price=100, at=NOW)
    b = proposal("b", price=90, at=NOW)  # same scores, heavier criterion tie, cheaper
    c = proposal("c", price=90, at=NOW - dt.timedelta(seconds=1))  # same as b, earlier
    d = proposal("d", price=50)  # same total, but weaker on the heaviest criterion (tech first)
    cards = [
        _card(a, "u1", tech=10, team=5, price=0), _card(a, "u2", tech=6, team=3, price=10),
        _card(b, "u1", tech=8, team=4, price=5), _card(c, "u1", tech=8, team=4, price=5),
        _card(d, "u1", tech=6, team=5, price=5),
    ]  # fmt: skip
    ranked = P.rank([a, b, c, d], cards, crit)
    # a, b, c: tech .8, team .8, price .5 -> 32 + 32 + 10; d: 24 + 40 + 10: all 74
    assert [r.weighted_score for r in ranked] == [74.0] * 4
    assert [r.proposal_id for r in ranked] == [c.id, b.id, a.id, d.id]
    assert P.needs_reason({r.proposal_id: r for r in ranked}, d.id, 1)
    assert not P.needs_reason({r.proposal_id: r for r in ranked}, c.id, 1)


def test_milestones_to_delivered() -> None:
    p = proposal("ent").model_copy(update={"state": R.ProposalState.awarded})
    ms = [
        R.MilestoneIn(title="上线", due_on=dt.date(2027, 3, 1)),
        R.MilestoneIn(title="验收", due_on=dt.date(2027, 6, 1)),
    ]
    p = R.set_milestones(p, ms, NOW).entity
    with pytest.raises(ConflictError):
        R.advance_milestone(p, 0, "accept", NOW)  # not reported yet
    for i in (0, 1):
        p = R.advance_milestone(p, i, "report", NOW).entity
        p = R.advance_milestone(p, i, "accept", NOW).entity
    assert p.state is R.ProposalState.delivered
    with pytest.raises(InvalidInput):
        R.advance_milestone(p, 5, "report", NOW)
