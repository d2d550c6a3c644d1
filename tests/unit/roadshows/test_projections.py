"""The read models fed by identity and matching, over an in-memory store: a newer tier
history entry wins whatever the delivery order, replays change nothing, and only
pitch <-> investor_mandate pairs (either way round) record a score."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from services.roadshows.usecases import projections as p
from shared.events.contracts.identity import EnterpriseTierChanged
from shared.events.contracts.matching import MatchSuggested
from shared.store import Conflict, Versioned

pytestmark = pytest.mark.unit


class FakeStore:
    kind = "fake"

    def __init__(self) -> None:
        self.rows: dict[str, Versioned[Any]] = {}
        self.saves = 0

    async def get(self, key: str) -> Versioned[Any] | None:
        return self.rows.get(key)

    async def save(self, key: str, state: Any, expected: int, events: Any = ()) -> Versioned[Any]:
        current = self.rows.get(key)
        if (current.version if current else 0) != expected:
            raise Conflict(self.kind, key, expected)
        self.rows[key] = Versioned(state, expected + 1)
        self.saves += 1
        return self.rows[key]


@dataclass
class Repos:
    tiers: FakeStore
    scores: FakeStore


@dataclass
class Deps:
    repos: Repos


def tier(seq: int, tiers: list[str]) -> EnterpriseTierChanged:
    return EnterpriseTierChanged(
        enterprise_id="ent-1", enterprise_name="示例", district="haidian", tier="small_to_scale",
        action="added", reason="r", automatic=False, sequence=seq,
        changed_at=dt.datetime.now(dt.UTC), tiers=tiers,
    )  # fmt: skip


async def test_the_newest_tier_entry_wins_in_any_order(monkeypatch: pytest.MonkeyPatch) -> None:
    flagged: list[Any] = []

    async def refresh(_deps: Any, org: str, tier_name: Any) -> int:
        flagged.append((org, tier_name))
        return 1

    monkeypatch.setattr(p, "refresh_tier", refresh)
    deps = Deps(Repos(FakeStore(), FakeStore()))
    for e in (tier(2, ["small_to_scale", "scale_to_strong"]), tier(1, ["small_to_scale"]),
              tier(2, ["small_to_scale", "scale_to_strong"])):  # fmt: skip
        await p.on_tier_changed(deps, e)  # type: ignore[arg-type]
    got = await deps.repos.tiers.get("ent-1")
    assert got is not None and got.state.sequence == 2 and deps.repos.tiers.saves == 1
    await p.on_tier_changed(deps, tier(3, []))  # type: ignore[arg-type]
    assert (await deps.repos.tiers.get("ent-1")).state.tiers == []  # type: ignore[union-attr]
    # pitches are re-flagged from the read model: the late, older entry never wins
    assert flagged == [("ent-1", "scale_to_strong")] * 3 + [("ent-1", None)]


def match(demand: tuple[str, str], supply: tuple[str, str], score: float, **kw: Any) -> Any:
    return MatchSuggested(
        match_id="m", trigger=kw.get("trigger", "ranking"), reason="entered_top",
        recipient_org_id="org", demand_id=demand[0], demand_kind=demand[1],
        supply_id=supply[0], supply_kind=supply[1], score=score,
    )  # fmt: skip


async def test_scores_of_pitch_mandate_pairs_both_ways() -> None:
    deps = Deps(Repos(FakeStore(), FakeStore()))
    await p.on_match(deps, match(("md-1", "investor_mandate"), ("p-1", "pitch"), 3.0))  # type: ignore[arg-type]
    await p.on_match(deps, match(("p-1", "pitch"), ("md-2", "investor_mandate"), 5.0))  # type: ignore[arg-type]
    await p.on_match(deps, match(("p-1", "pitch"), ("md-2", "investor_mandate"), 5.0))  # type: ignore[arg-type]
    await p.on_match(deps, match(("n-1", "tech_need"), ("o-1", "tech_offer"), 9.0))  # type: ignore[arg-type]
    got = await deps.repos.scores.get("p-1")
    assert got is not None and got.state.scores == {"md-1": 3.0, "md-2": 5.0}
    assert deps.repos.scores.saves == 2 and await deps.repos.scores.get("o-1") is None
