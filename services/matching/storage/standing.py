"""A demand's standing: the pair ids its ranking holds, in rank order, and the state of
each pair as the last pass wrote it.

One aggregate per demand (``_id`` = demand id) on the aggregate store, read by ``_id``
only (FerretDB 1.x indexes nothing else). A pass compares each ranked hit with the
standing state first (``domain.pairs.same_state``): a re-ranking that changes nothing
reads this one document and writes none. The name "ranking" belongs to the engine's
``ranking/`` package; the stored kind and collection keep it (``MongoMatchRepository``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from services.matching.domain.pairs import PairState
from shared.store import Versioned


class StandingState(BaseModel):
    """The standing aggregate as stored (see :class:`Standing`)."""

    id: str
    version: int = 0
    ranked: list[str] = Field(default_factory=list)
    state: list[dict[str, Any]] = Field(default_factory=list)


@dataclass(frozen=True)
class Standing:
    """A demand's standing: pair ids in rank order and each pair's state.

    ``state`` lacks a pair whose document may differ from what the last pass wrote
    (a standing stored before states were kept, or a pair a withdrawal touched): such a
    pair is read from its own document.
    """

    ranked: tuple[str, ...] = ()
    state: dict[str, PairState] = field(default_factory=dict)
    version: int = field(default=0, compare=False)

    @classmethod
    def from_stored(cls, found: Versioned[StandingState] | None) -> Standing:
        if found is None:
            return cls()
        state = {
            row["id"]: PairState(row["rank"], row["score"], row["digest"], row["supply_org_id"])
            for row in found.state.state
        }
        return cls(ranked=tuple(found.state.ranked), state=state, version=found.version)

    def to_state(self, demand_id: str) -> StandingState:
        return StandingState(
            id=demand_id,
            ranked=list(self.ranked),
            # subdocuments, not arrays: FerretDB 1.x rejects nested arrays
            state=[
                {"id": mid, **self.state[mid]._asdict()} for mid in self.ranked if mid in self.state
            ],
        )

    def without(self, mid: str) -> Standing:
        state = {k: v for k, v in self.state.items() if k != mid}
        return Standing(ranked=self.ranked, state=state, version=self.version)
