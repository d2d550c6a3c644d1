"""The facts the read model keeps: organisations, cases, workflow items, roadshows.

Every fact is idempotent by construction: a time is the earliest (or latest) seen, a
state is the one of the highest aggregate version, a history entry is keyed by its
sequence. Applying an event twice, or events of different topics in any order, gives
the same facts; funnels and figures are derived from them when asked. Times are UTC
epoch seconds (floats): cheap to compare and to store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class TierEntry:
    seq: int
    tier: str
    action: str
    at: float
    reason: str
    automatic: bool


@dataclass(slots=True)
class Org:
    id: str
    name: str = ""
    type: str = ""
    district: str | None = None
    domains: list[str] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)
    version: int = -1
    history: dict[int, TierEntry] = field(default_factory=dict)

    def row(self) -> list[Any]:
        hist = [
            [e.seq, e.tier, e.action, e.at, e.reason, e.automatic] for e in self.history.values()
        ]
        return [self.id, self.name, self.type, self.district, self.domains, self.tiers,
                self.version, hist]  # fmt: skip

    @classmethod
    def from_row(cls, r: list[Any]) -> Org:
        org = cls(r[0], r[1], r[2], r[3], list(r[4]), list(r[5]), r[6])
        org.history = {h[0]: TierEntry(*h) for h in r[7]}
        return org


@dataclass(slots=True)
class Case:
    """A record a market's funnel follows (or, ``funnel`` False, one kept for profiles)."""

    id: str
    market: str
    kind: str = ""
    owner: str = ""
    district: str | None = None  # the record's own district code, if it names one
    domain: str = "none"
    title: str = ""
    status: str = ""
    funnel: bool = True
    version: int = -1
    published_at: float | None = None
    closed_at: float | None = None
    valid_until: float | None = None
    stages: dict[str, float] = field(default_factory=dict)

    def reach(self, stage: str, at: float) -> bool:
        held = self.stages.get(stage)
        if held is not None and held <= at:
            return False
        self.stages[stage] = at
        return True

    def row(self) -> list[Any]:
        return [self.id, self.market, self.kind, self.owner, self.district, self.domain,
                self.title, self.status, self.funnel, self.version, self.published_at,
                self.closed_at, self.valid_until, self.stages]  # fmt: skip

    @classmethod
    def from_row(cls, r: list[Any]) -> Case:
        case = cls(*r[:13])
        case.stages = dict(r[13])
        return case


@dataclass(slots=True)
class Item:
    """One workflow aggregate (an interest, claim, candidate, deal, match, meeting, ...)."""

    id: str  # "<entity>:<aggregate id>"
    market: str
    entity: str
    case_id: str
    actor: str
    counterpart: str
    state: str = ""
    version: int = -1
    first_at: float = 0.0
    last_at: float = 0.0
    expires_at: float | None = None

    def row(self) -> list[Any]:
        return [self.id, self.market, self.entity, self.case_id, self.actor, self.counterpart,
                self.state, self.version, self.first_at, self.last_at, self.expires_at]  # fmt: skip

    @classmethod
    def from_row(cls, r: list[Any]) -> Item:
        return cls(*r)


@dataclass(slots=True)
class Roadshow:
    """A monthly roadshow session (policy 10(3))."""

    id: str
    domain: str
    state: str
    at: float
    version: int = -1

    def row(self) -> list[Any]:
        return [self.id, self.domain, self.state, self.at, self.version]

    @classmethod
    def from_row(cls, r: list[Any]) -> Roadshow:
        return cls(*r)


KINDS: dict[str, Any] = {"org": Org, "case": Case, "item": Item, "roadshow": Roadshow}
