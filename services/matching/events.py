"""Matching's events: build the contract payload and wrap it in an envelope for the outbox."""

from __future__ import annotations

from typing import Any

from services.matching.domain.suggestions import Reason
from shared.events import Envelope, new_event
from shared.events.contracts.matching import MatchSuggested, RecordUnsearchable

SOURCE = "matching"


def pair_suggested(
    pair: dict[str, Any],
    *,
    reason: Reason,
    previous_rank: int | None,
    summary: str,
    version: int,
    side: str = "demand",
    correlation_id: str | None = None,
) -> Envelope:
    """A ranked (demand, supply) pair worth a look: for the demander, or (``side``
    supply) for the supplier whose record answers the demand."""
    payload = MatchSuggested(
        match_id=pair["_id"],
        trigger="ranking",
        reason=reason.value,
        side=side,
        recipient_org_id=pair["demand_org_id" if side == "demand" else "supply_org_id"],
        demand_id=pair["demand_id"],
        demand_kind=pair["demand_kind"],
        demand_org_id=pair["demand_org_id"],
        supply_id=pair["supply_id"],
        supply_kind=pair["supply_kind"],
        supply_org_id=pair["supply_org_id"],
        score=pair["score"],
        rank=pair["rank"],
        previous_rank=previous_rank,
        summary=summary[:300],
    )
    return new_event(
        payload,
        subject=pair["_id"],
        version=version,
        source=SOURCE,
        correlationid=correlation_id,
    )


def record_unsearchable(failure: dict[str, Any]) -> Envelope:
    """A record the index refused, for its owner."""
    payload = RecordUnsearchable(
        record_id=failure["record_id"], record_kind=failure["record_kind"],
        owner_org_id=failure["owner_org_id"], record_version=failure["record_version"],
        reason=failure["reason"],
    )  # fmt: skip
    return new_event(payload, subject=failure["id"], version=1, source=SOURCE)


def saved_search_hit(
    hit: dict[str, Any], *, summary: str, correlation_id: str | None = None
) -> Envelope:
    """A newly published record matched a user's saved search."""
    payload = MatchSuggested(
        match_id=hit["_id"],
        trigger="saved_search",
        reason=Reason.saved_search.value,
        recipient_org_id=hit["organisation_id"],
        record_id=hit["record_id"],
        record_kind=hit["record_kind"],
        record_org_id=hit["record_org_id"] or None,
        user_id=hit["user_id"],
        saved_search_id=hit["search_id"],
        summary=summary[:300],
    )
    return new_event(
        payload, subject=hit["_id"], version=1, source=SOURCE, correlationid=correlation_id
    )
