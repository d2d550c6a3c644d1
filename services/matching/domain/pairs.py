"""A pair: one (demand, supply) match record, the aggregate matching keeps per pair.

Its id is ``<demand_id>|<supply_id>``. A ranking pass decides a pair's new state from the
stored one and the ranked hit (``usecases/ranking.py``); feedback and withdrawals change
it too. Every change is one save on the aggregate store at the version read, so two
passes over one demand never both suggest the same pair.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Pair(BaseModel):
    """The stored state of a pair (fields added later are kept: ``extra="allow"``)."""

    model_config = ConfigDict(extra="allow")

    id: str
    version: int = 0
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
