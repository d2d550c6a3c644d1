"""Read models fed by other services' events (effects idempotent, replays harmless).

- identity ``identity.enterprise.tier_changed``: an enterprise's tier lists, kept only
  if the history entry is newer than the one we hold (its ``sequence``), so a replay or
  an out-of-order delivery never rolls a tier back. Access tokens carry no tier, so this
  is how pitch priority (小升规/规升强) is known without calling identity.
- matching ``matching.match.suggested`` for pitch <-> investor_mandate pairs: the score
  per (pitch, mandate), which the operator's selection list shows and sorts by.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

from services.roadshows.domain.records import priority_tier
from services.roadshows.storage import EnterpriseTiers, PitchScores
from services.roadshows.usecases import Deps
from services.roadshows.usecases.records import refresh_tier
from shared.events.contracts.identity import EnterpriseTierChanged
from shared.events.contracts.matching import MatchSuggested
from shared.store import Conflict, MongoAggregateStore

M = TypeVar("M", bound=BaseModel)


async def _upsert(
    store: MongoAggregateStore[M], key: str, fresh: M, merge: Callable[[M], M | None],
) -> None:  # fmt: skip
    """Create, or save ``merge(current)`` at the version read (None: nothing to change)."""
    for _ in range(8):
        current = await store.get(key)
        new = fresh if current is None else merge(current.state)
        if new is None:
            return
        try:
            await store.save(key, new, current.version if current else 0)
            return
        except Conflict:
            continue
    raise Conflict(store.kind, key, -1)


async def on_tier_changed(deps: Deps, e: EnterpriseTierChanged) -> None:
    fresh = EnterpriseTiers(id=e.enterprise_id, tiers=list(e.tiers), sequence=e.sequence)

    def merge(current: EnterpriseTiers) -> EnterpriseTiers | None:
        return fresh if e.sequence > current.sequence else None

    await _upsert(deps.repos.tiers, e.enterprise_id, fresh, merge)
    # the pitches carry the flag too (matching and investors see it); from the read model,
    # so a late, older event never re-flags them
    held = await deps.repos.tiers.get(e.enterprise_id)
    if held is not None:
        await refresh_tier(deps, e.enterprise_id, priority_tier(held.state.tiers))


def pitch_and_mandate(e: MatchSuggested) -> tuple[str, str] | None:
    if e.trigger != "ranking" or not e.demand_id or not e.supply_id:
        return None
    if e.demand_kind == "investor_mandate" and e.supply_kind == "pitch":
        return e.supply_id, e.demand_id
    if e.demand_kind == "pitch" and e.supply_kind == "investor_mandate":
        return e.demand_id, e.supply_id
    return None


async def on_match(deps: Deps, e: MatchSuggested) -> None:
    pair = pitch_and_mandate(e)
    if pair is None:
        return
    pitch_id, mandate_id = pair
    fresh = PitchScores(id=pitch_id, scores={mandate_id: e.score})

    def merge(current: PitchScores) -> PitchScores | None:
        if current.scores.get(mandate_id) == e.score:
            return None
        return current.model_copy(update={"scores": {**current.scores, mandate_id: e.score}})

    await _upsert(deps.repos.scores, pitch_id, fresh, merge)
