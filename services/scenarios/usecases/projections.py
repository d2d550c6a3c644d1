"""Read models fed by other services' events (effects idempotent, replays harmless).

identity ``identity.enterprise.tier_changed``: an enterprise's tier lists, kept only if
the history entry is newer than the one held (its ``sequence``). Access tokens carry no
tier, so this is how a scenario's tier requirement is checked without calling identity.
"""

from __future__ import annotations

from services.scenarios.storage import EnterpriseTiers
from services.scenarios.usecases import Deps
from shared.events.contracts.identity import EnterpriseTierChanged
from shared.store import Conflict


async def on_tier_changed(deps: Deps, e: EnterpriseTierChanged) -> None:
    """Keep identity's tier lists of an enterprise; an older history entry (replay, late
    delivery) never rolls a newer one back."""
    fresh = EnterpriseTiers(id=e.enterprise_id, tiers=list(e.tiers), sequence=e.sequence)
    for _ in range(8):
        current = await deps.repos.tiers.get(e.enterprise_id)
        if current is not None and current.state.sequence >= e.sequence:
            return
        try:
            await deps.repos.tiers.save(e.enterprise_id, fresh, current.version if current else 0)
            return
        except Conflict:
            continue
    raise Conflict("enterprise_tiers", e.enterprise_id, -1)
