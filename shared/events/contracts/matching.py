"""Event contracts published by the matching service.

Topic ``matching.match``, keyed by the match id. One type, ``matching.match.suggested``:
a (demand, supply) pair entered a demander's top results or rose markedly
(``trigger="ranking"``), or a newly published record matched a user's saved search
(``trigger="saved_search"``). Payloads carry ids, kinds, organisation ids, score,
rank and a short reason built from matched words; never a name, e-mail or phone.
Fields may be added later (with defaults); none is ever removed or renamed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events import event_type

MATCH_TOPIC = "matching.match"

RecordKind = Literal[
    "tech_offer",
    "tech_need",
    "product",
    "procurement_need",
    "capability",
    "scenario",
    "pitch",
    "investor_mandate",
    "agency",
    "talent_demand",
]


@event_type("matching.match.suggested", topic=MATCH_TOPIC)
class MatchSuggested(BaseModel):
    """A counterpart worth a look, for one organisation (and, for a saved search, one user)."""

    model_config = ConfigDict(extra="ignore")

    match_id: str = Field(
        description="stable id: '<demand_id>|<supply_id>' for a ranked pair, "
        "'<saved_search_id>|<record_id>' for a saved-search hit",
        examples=["need-7f3a|offer-19c2"],
    )
    trigger: Literal["ranking", "saved_search"] = Field(
        description="ranking: the pair entered the demander's top results or rose; "
        "saved_search: a newly published record matched a saved search",
        examples=["ranking"],
    )
    reason: Literal["entered_top", "rose", "saved_search"] = Field(
        description="why it fired now", examples=["entered_top"]
    )
    side: Literal["demand", "supply"] = Field(
        "demand",
        description="whose side the recipient is on: demand (the demander hears of a "
        "supply) or supply (the supplier hears of a demand its record answers); added "
        "in v1 with a default, so older payloads are demand-side",
        examples=["demand"],
    )
    recipient_org_id: str = Field(
        description="the organisation to tell: the demander's, the supplier's (side "
        "supply), or the saved search owner's",
        examples=["5f1c0a7e9b3d4c2a8e6f0b1d2c3a4e5f"],
    )
    demand_id: str | None = Field(
        None, description="the demand record (ranking only)", examples=["need-7f3a"]
    )
    demand_kind: RecordKind | None = Field(
        None, description="kind of the demand record", examples=["tech_need"]
    )
    demand_org_id: str | None = Field(
        None, description="organisation owning the demand", examples=["ent-0001"]
    )
    supply_id: str | None = Field(
        None, description="the supply record (ranking only)", examples=["offer-19c2"]
    )
    supply_kind: RecordKind | None = Field(
        None, description="kind of the supply record", examples=["tech_offer"]
    )
    supply_org_id: str | None = Field(
        None, description="organisation owning the supply", examples=["uni-0002"]
    )
    record_id: str | None = Field(
        None, description="the newly published record (saved_search only)", examples=["offer-19c2"]
    )
    record_kind: RecordKind | None = Field(
        None, description="kind of that record (saved_search only)", examples=["tech_offer"]
    )
    record_org_id: str | None = Field(
        None,
        description="organisation owning that record (saved_search only)",
        examples=["uni-0002"],
    )
    user_id: str | None = Field(
        None,
        description="the user who saved the search (saved_search only; an opaque id)",
        examples=["u-0042"],
    )
    saved_search_id: str | None = Field(
        None, description="the saved search that matched (saved_search only)", examples=["ss-81d0"]
    )
    score: float = Field(
        0.0,
        description="relevance score of the pair (engine units; 0 for saved searches)",
        examples=[12.7],
    )
    rank: int | None = Field(
        None, description="1-based position in the demander's results (ranking only)", examples=[3]
    )
    previous_rank: int | None = Field(
        None, description="rank at the previous suggestion, when it rose", examples=[9]
    )
    summary: str = Field(
        "",
        max_length=300,
        description="short reason: where it ranks and the words that matched",
        examples=["entered the top results at #3; matched: 储能、热失控"],
    )


RECORD_TOPIC = "matching.record"


@event_type("matching.record.rejected", topic=RECORD_TOPIC)
class RecordUnsearchable(BaseModel):
    """A published record the search index refused: it cannot be found or matched until
    its owner changes it. Told to the owner (and kept for operators), never dropped."""

    model_config = ConfigDict(extra="ignore")

    record_id: str = Field(description="the record's id in its market", examples=["offer-19c2"])
    record_kind: RecordKind = Field(description="its kind", examples=["tech_offer"])
    owner_org_id: str = Field(description="the organisation that owns it", examples=["org-7"])
    record_version: int = Field(ge=0, description="the version refused", examples=[1])
    reason: str = Field(
        description="why, from the index (no record content)",
        examples=["a keyword is longer than the index accepts"],
    )
