"""A pair: one (demand, supply) match record, and its life as pure code.

Its id is ``<demand_id>|<supply_id>``. A pairing pass (``usecases/pairing.py``) turns
each ranked hit into a :class:`Planned` and hands it to :func:`decide` with the stored
:class:`Pair`: the answer is a :class:`PairChange` (the new state, the version it was
read at, the suggestions it causes) or None when the stored state stands. Withdrawals
change pairs through :func:`unranked` and :func:`deactivated`, feedback through
``domain/feedback.py``. Storage alone turns changes into writes and suggestions into
events: every change is one save on the aggregate store at the version read, so two
passes over one demand never both suggest the same pair.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from services.matching.domain import suggestions
from services.matching.domain.suggestions import Reason, SuggestionPolicy

Side = Literal["demand", "supply"]


class Pair(BaseModel):
    """The stored state of a pair (fields added later are kept: ``extra="allow"``)."""

    model_config = ConfigDict(extra="allow")

    id: str
    version: int = 0  # the store keeps it equal to the stored version
    demand_id: str
    demand_kind: str
    demand_org_id: str = ""
    supply_id: str
    supply_kind: str
    supply_org_id: str = ""
    market: str | None = None
    score: float = 0.0
    rank: int | None = None
    explanation: dict[str, Any] = Field(default_factory=dict)
    active: bool = True
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    suggested_rank: int | None = None
    last_suggested_at: dt.datetime | None = None
    feedback: str | None = None
    feedback_at: dt.datetime | None = None
    dismissed: bool = False  # the demander said "not relevant"
    supply_feedback: str | None = None
    supply_feedback_at: dt.datetime | None = None
    supply_dismissed: bool = False  # the supplier said "not interested"
    history: list[dict[str, Any]] = Field(default_factory=list)


def pair_id(demand_id: str, supply_id: str) -> str:
    return f"{demand_id}|{supply_id}"


def explanation_digest(explanation: Mapping[str, Any]) -> str:
    """A short digest of a stored explanation (what a demand's standing compares)."""
    text = json.dumps(explanation, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def close(before: float | None, now: float, tolerance: float) -> bool:
    """Scores within ``tolerance`` (relative) are the same pair state: every new document
    shifts BM25 statistics a little, and rewriting every pair for that is the "small
    update" the suggestion rule must ignore."""
    if before is None:
        return False
    return abs(before - now) <= tolerance * max(abs(before), abs(now), 1e-9)


class PairState(NamedTuple):
    """What a demand's standing keeps of a stored, active pair to leave it alone."""

    rank: int
    score: float
    digest: str
    supply_org_id: str


@dataclass(frozen=True, slots=True)
class Planned:
    """One ranked hit of a demand: the pair it would be, before any stored state."""

    id: str
    demand_id: str
    demand_kind: str
    demand_org_id: str
    supply_id: str
    supply_kind: str
    supply_org_id: str
    market: str
    rank: int
    score: float
    explanation: dict[str, Any]
    digest: str

    @classmethod
    def of(
        cls,
        demand: Mapping[str, Any],
        hit: Mapping[str, Any],
        *,
        rank: int,
        explanation: dict[str, Any],
        market: str,
    ) -> Planned:
        """From a projected demand and one hit of its ranking (``_source``, ``_score``)."""
        supply = hit["_source"]
        return cls(
            id=pair_id(demand["id"], supply["id"]),
            demand_id=demand["id"],
            demand_kind=demand["kind"],
            demand_org_id=str(demand.get("owner_org_id", "")),
            supply_id=supply["id"],
            supply_kind=supply["kind"],
            supply_org_id=str(supply.get("owner_org_id", "")),
            market=market,
            rank=rank,
            score=float(hit.get("_score") or 0.0),
            explanation=explanation,
            digest=explanation_digest(explanation),
        )

    def state(self) -> PairState:
        return PairState(self.rank, self.score, self.digest, self.supply_org_id)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One ``matching.match.suggested`` to emit, for one side of the pair."""

    side: Side
    reason: Reason
    previous_rank: int | None  # the rank at the last suggestion, for a rise
    summary: str


@dataclass(frozen=True, slots=True)
class PairChange:
    """A pair's new state, the version it was read at (0: new) and what it suggests."""

    pair: Pair
    version: int
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def id(self) -> str:
        return self.pair.id

    @property
    def is_new(self) -> bool:
        return self.version == 0


def same_state(policy: SuggestionPolicy, stored: PairState | None, planned: Planned) -> bool:
    """Whether a pair whose standing state is ``stored`` needs no write for ``planned``
    (then its document is not even read)."""
    return (
        stored is not None
        and stored.rank == planned.rank
        and close(stored.score, planned.score, policy.score_tolerance)
        and stored.digest == planned.digest
        and stored.supply_org_id == planned.supply_org_id
    )


def _holds(policy: SuggestionPolicy, stored: Pair, planned: Planned) -> bool:
    """The stored pair already says what ``planned`` says (a score drift aside)."""
    return (
        stored.active
        and stored.rank == planned.rank
        and close(stored.score, planned.score, policy.score_tolerance)
        and stored.explanation == planned.explanation
        and stored.supply_org_id == planned.supply_org_id
    )


def decide(
    policy: SuggestionPolicy, previous: Pair | None, planned: Planned, now: dt.datetime
) -> PairChange | None:
    """A pair's new state for a ranked hit (None: the stored state stands), and the
    suggestions it causes: both sides hear of it, each unless it said "not interested"
    for itself, and the supplier only when its record has an owner organisation."""
    if previous is not None and _holds(policy, previous, planned):
        return None
    rank = planned.rank
    suggested_rank = previous.suggested_rank if previous else None
    reason = suggestions.decide(
        policy,
        rank=rank,
        suggested_rank=suggested_rank,
        dismissed=previous is not None and previous.dismissed,
    )
    update: dict[str, Any] = {
        "demand_id": planned.demand_id, "demand_kind": planned.demand_kind,
        "demand_org_id": planned.demand_org_id, "supply_id": planned.supply_id,
        "supply_kind": planned.supply_kind, "supply_org_id": planned.supply_org_id,
        "market": planned.market, "score": planned.score, "rank": rank,
        "explanation": planned.explanation, "active": True, "updated_at": now,
    }  # fmt: skip
    history = list(previous.history) if previous else []
    said: tuple[Suggestion, ...] = ()
    if reason is not None:
        before = suggested_rank if reason is Reason.rose else None
        update |= {"suggested_rank": rank, "last_suggested_at": now}
        text = suggestions.summary(reason, rank, before, planned.explanation["matched_terms"])
        sides: list[Side] = ["demand"]
        if planned.supply_org_id and not (previous and previous.supply_dismissed):
            sides.append("supply")
        said = tuple(Suggestion(side, reason, before, text) for side in sides)
        history.append({"action": "suggested", "at": now, "rank": rank, "reason": reason.value})
    update["history"] = history
    if previous is None:
        return PairChange(Pair(id=planned.id, created_at=now, **update), 0, said)
    return PairChange(previous.model_copy(update=update), previous.version, said)


def unranked(pair: Pair, now: dt.datetime) -> Pair | None:
    """The pair left its demand's ranking: it loses its rank (kept, not deleted)."""
    if pair.rank is None:
        return None
    return pair.model_copy(update={"rank": None, "updated_at": now})


def deactivated(pair: Pair, now: dt.datetime) -> Pair | None:
    """A side of the pair was withdrawn: it leaves every result (None: it had)."""
    if not pair.active:
        return None
    return pair.model_copy(update={"active": False, "rank": None, "updated_at": now})
