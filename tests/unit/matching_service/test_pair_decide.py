"""A pair's life as pure code: ``decide`` for a ranked hit, withdrawals, feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.matching.domain.feedback import Feedback, with_feedback
from services.matching.domain.pairs import (
    Pair,
    PairChange,
    Planned,
    deactivated,
    decide,
    same_state,
    unranked,
)
from services.matching.domain.suggestions import Reason, SuggestionPolicy

pytestmark = pytest.mark.unit
POLICY = SuggestionPolicy(top_n=10, rise_ranks=3, score_tolerance=0.05)
EARLIER = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
EXPLANATION = {"eligible": True, "matched_terms": ["储能", "消防"], "constraints": []}
DEMAND = {"id": "d1", "kind": "tech_need", "owner_org_id": "org-d"}


def hit(rank: int = 1, score: float = 10.0, org: str = "org-s", **explained: Any) -> Planned:
    source = {"id": "s1", "kind": "tech_offer", "owner_org_id": org}
    return Planned.of(
        DEMAND, {"_source": source, "_score": score}, rank=rank,
        explanation={**EXPLANATION, **explained}, market="techtransfer",
    )  # fmt: skip


def stored(**changed: Any) -> Pair:
    """The pair as a pass at rank 5 (suggested then) left it, version 3."""
    planned = hit(rank=5)
    state: dict[str, Any] = {
        "id": planned.id, "version": 3, "demand_id": "d1", "demand_kind": "tech_need",
        "demand_org_id": "org-d", "supply_id": "s1", "supply_kind": "tech_offer",
        "supply_org_id": "org-s", "market": "techtransfer", "score": 10.0, "rank": 5,
        "explanation": dict(EXPLANATION), "created_at": EARLIER, "updated_at": EARLIER,
        "suggested_rank": 5, "last_suggested_at": EARLIER,
        "history": [{"action": "suggested", "at": EARLIER, "rank": 5, "reason": "entered_top"}],
    }  # fmt: skip
    return Pair.model_validate({**state, **changed})


# (case, stored pair or None, planned hit, change expected?, reason, previous rank, sides)
CASES = [
    ("new in the top 10", None, hit(rank=1), True, Reason.entered_top, None, ["demand", "supply"]),
    ("new at 10", None, hit(rank=10), True, Reason.entered_top, None, ["demand", "supply"]),
    ("new outside the top 10: stored, not suggested", None, hit(rank=11), True, None, None, []),
    ("rose 3 places", stored(rank=8, suggested_rank=8), hit(rank=5), True, Reason.rose, 8,
     ["demand", "supply"]),
    ("rose 2 places", stored(rank=7, suggested_rank=7), hit(rank=5), True, None, None, []),
    ("fell", stored(), hit(rank=7), True, None, None, []),
    ("score within the tolerance, all else the same", stored(), hit(rank=5, score=10.4), False,
     None, None, []),
    ("score beyond the tolerance", stored(), hit(rank=5, score=11.0), True, None, None, []),
    ("explanation changed", stored(), hit(rank=5, matched_terms=["储能"]), True, None, None, []),
    ("supply organisation changed", stored(), hit(rank=5, org="org-t"), True, None, None, []),
    ("inactive: taken back", stored(active=False), hit(rank=5), True, None, None, []),
    ("demand dismissed: never suggested", stored(dismissed=True, suggested_rank=None), hit(rank=1),
     True, None, None, []),
    ("demand dismissed, risen", stored(rank=9, suggested_rank=9, dismissed=True), hit(rank=1),
     True, None, None, []),
    ("supply dismissed: the demand side only", stored(rank=9, suggested_rank=9,
     supply_dismissed=True), hit(rank=1), True, Reason.rose, 9, ["demand"]),
    ("no supply organisation: the demand side only", None, hit(rank=1, org=""), True,
     Reason.entered_top, None, ["demand"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("previous", "planned", "changes", "reason", "previous_rank", "sides"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_decide(
    previous: Pair | None,
    planned: Planned,
    changes: bool,
    reason: Reason | None,
    previous_rank: int | None,
    sides: list[str],
) -> None:
    change = decide(POLICY, previous, planned, NOW)
    if not changes:
        assert change is None
        return
    assert isinstance(change, PairChange)
    pair = change.pair
    assert change.version == (previous.version if previous else 0)
    assert change.is_new is (previous is None)
    assert (pair.id, pair.rank, pair.score, pair.active) == (
        planned.id, planned.rank, planned.score, True,
    )  # fmt: skip
    assert pair.explanation == planned.explanation and pair.supply_org_id == planned.supply_org_id
    assert pair.updated_at == NOW
    assert [s.side for s in change.suggestions] == sides
    assert {s.reason for s in change.suggestions} <= {reason}
    assert all(s.previous_rank == previous_rank for s in change.suggestions)
    before = previous.history if previous else []
    if reason is None:
        assert pair.history == before
        assert pair.suggested_rank == (previous.suggested_rank if previous else None)
    else:
        entry = {"action": "suggested", "at": NOW, "rank": planned.rank, "reason": reason.value}
        assert pair.history == [*before, entry]
        assert (pair.suggested_rank, pair.last_suggested_at) == (planned.rank, NOW)


def test_the_summary_says_the_rise_and_the_words_chinese_first() -> None:
    change = decide(POLICY, stored(rank=8, suggested_rank=8), hit(rank=5), NOW)
    assert change is not None
    assert change.suggestions[0].summary == "排名从第 8 位升至第 5 位；匹配关键词：储能、消防"
    new = decide(POLICY, None, hit(rank=2), NOW)
    assert new is not None and new.suggestions[0].summary.startswith("进入推荐前列，排名第 2 位")


def test_a_new_pair_starts_clean_and_a_stored_one_keeps_what_decide_does_not_own() -> None:
    new = decide(POLICY, None, hit(rank=3), NOW)
    assert new is not None
    assert (new.pair.created_at, new.pair.feedback, new.pair.dismissed) == (NOW, None, False)
    assert new.pair.demand_org_id == "org-d" and new.pair.market == "techtransfer"
    kept = stored(feedback="contacted", note="a field added later")
    change = decide(POLICY, kept, hit(rank=4), NOW)
    assert change is not None and change.pair.created_at == EARLIER
    assert change.pair.feedback == "contacted" and change.pair.model_extra == {
        "note": "a field added later"
    }
    assert kept.rank == 5 and len(kept.history) == 1  # the stored value is not touched


def test_the_standing_shortcut_compares_rank_score_digest_and_organisation() -> None:
    planned = hit(rank=2)
    assert same_state(POLICY, planned.state(), planned)
    assert same_state(POLICY, planned.state()._replace(score=10.3), planned)
    assert not same_state(POLICY, None, planned)
    assert not same_state(POLICY, planned.state()._replace(rank=3), planned)
    assert not same_state(POLICY, planned.state()._replace(digest="x"), planned)
    assert not same_state(POLICY, planned.state()._replace(supply_org_id="o"), planned)


def test_withdrawals() -> None:
    pair = stored()
    off = unranked(pair, NOW)
    assert off is not None and off.rank is None and off.active and off.updated_at == NOW
    assert unranked(off, NOW) is None  # no rank: nothing to change
    gone = deactivated(pair, NOW)
    assert gone is not None and (gone.active, gone.rank, gone.updated_at) == (False, None, NOW)
    assert deactivated(gone, NOW) is None


def test_feedback_per_side_and_a_dismissal_is_final() -> None:
    said = with_feedback(stored(), "supply", Feedback.not_relevant, "u-s", NOW)
    assert said is not None and said.supply_dismissed and not said.dismissed
    assert said.supply_feedback == "not_relevant" and said.supply_feedback_at == NOW
    assert said.history[-1] == {"action": "declined", "at": NOW, "by_user_id": "u-s",
                                "side": "supply"}  # fmt: skip
    assert with_feedback(said, "supply", Feedback.not_relevant, "u-s", NOW) is None
    later = with_feedback(said, "supply", Feedback.contacted, "u-s", NOW)
    assert later is not None and later.supply_dismissed  # not undone
    demand = with_feedback(stored(), "demand", Feedback.relevant, "u-d", NOW)
    assert demand is not None and demand.feedback == "relevant" and not demand.dismissed
