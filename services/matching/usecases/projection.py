"""Apply one record change: project it (versioned), then match it, then saved searches.

Replays and reordering are harmless: the projection write is versioned (external
versions), a stale event stops here, and a replay of the current version re-runs
matching, which writes nothing when nothing changed (it also finishes work a crash
interrupted between the index write and the match writes).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from opensearchpy.exceptions import RequestError

from services.matching import events
from services.matching.domain.records import RecordChange, Verb, tombstone
from services.matching.ranking import is_demand, to_index_doc
from services.matching.ranking.projection import to_index_doc_async
from services.matching.storage.failures import ProjectionFailure
from services.matching.storage.search import WriteOutcome
from services.matching.usecases import Deps
from services.matching.usecases.pairing import PairingResult, match_supply, rank_demand, withdraw
from services.matching.usecases.saved_searches import fire_saved_searches

log = logging.getLogger(__name__)


@dataclass
class ChangeApplied:
    outcome: WriteOutcome
    pairing: PairingResult = field(default_factory=PairingResult)  # what the pairing did
    saved_search_hits: list[str] = field(default_factory=list)
    seconds: float = 0.0
    index_seconds: float = 0.0  # the projection write (a shared _bulk, refreshed)


async def unsearchable(deps: Deps, change: RecordChange, exc: RequestError) -> None:
    record = change.record
    reason = str(getattr(exc, "error", "") or "rejected by the search index")[:200]
    failure = ProjectionFailure(
        id=f"{record.kind}:{record.id}:{change.version}", record_id=record.id,
        record_kind=record.kind, owner_org_id=record.owner_org_id,
        record_version=change.version, reason=reason, at=deps.clock(),
    )  # fmt: skip
    event = events.record_unsearchable(failure.model_dump())
    if await deps.repos.failures.record(failure, event):
        log.warning("%s %s v%d refused by the index: %s", record.kind, record.id,
                    change.version, reason)  # fmt: skip


def project(change: RecordChange) -> dict[str, Any]:
    """The index document for a change: the full projection, or a tombstone."""
    if change.is_withdrawal:
        return tombstone(change.record)
    doc = to_index_doc(change.record.as_record())
    doc["owner_org_id"] = change.record.owner_org_id
    return doc


async def project_async(change: RecordChange) -> dict[str, Any]:
    """``project`` for the event handlers: a new text's sentence vector is computed in a
    worker thread, in one model call with those of concurrent handlers."""
    if change.is_withdrawal:
        return tombstone(change.record)
    doc = await to_index_doc_async(change.record.as_record())
    doc["owner_org_id"] = change.record.owner_org_id
    return doc


async def apply_change(deps: Deps, change: RecordChange) -> ChangeApplied:
    """Project, match both ways, and fire saved searches for one record change."""
    started = time.perf_counter()
    kind = change.record.kind
    doc = await project_async(change)
    try:
        outcome = await deps.search.put(kind, doc, change.version)
    except RequestError as exc:
        # The index refuses this record (a 400, e.g. an immense term): retrying cannot
        # help and dead-lettering would hide it. The owner is told, once per version.
        await unsearchable(deps, change, exc)
        return ChangeApplied(WriteOutcome.rejected, seconds=time.perf_counter() - started)
    applied = ChangeApplied(outcome, index_seconds=time.perf_counter() - started)
    if outcome is WriteOutcome.stale:
        log.info("stale %s v%d of %s ignored", change.verb, change.version, change.record.id)
    elif change.is_withdrawal:
        applied.pairing = await withdraw(deps, kind, change.record.id)
    else:
        # matching and saved searches are independent: their round trips overlap
        if is_demand(kind):
            pairing = rank_demand(deps, doc)
        else:
            pairing = match_supply(deps, doc, published=change.verb is Verb.published)
        if change.verb is Verb.published:
            applied.pairing, applied.saved_search_hits = await asyncio.gather(
                pairing, fire_saved_searches(deps, doc)
            )
        else:
            applied.pairing = await pairing
    applied.seconds = time.perf_counter() - started
    log.info(
        "%s %s v%d: %s, %d pairs written, %d suggested, %d saved-search hits in %.0f ms "
        "(index %.0f ms)",
        change.verb, change.record.id, change.version, outcome.value, applied.pairing.written,
        len(applied.pairing.suggested), len(applied.saved_search_hits), applied.seconds * 1000,
        applied.index_seconds * 1000,
    )  # fmt: skip
    return applied
