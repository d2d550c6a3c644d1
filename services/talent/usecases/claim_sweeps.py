"""Claims' housekeeping, run by the sweeper: expiry, reminders, and clean-ups after
crashes and races (finished claims whose slots were not given back, claims that outlived
their demand's withdrawal, slots of a grant that died before saving its claim)."""

from __future__ import annotations

import datetime as dt
import logging

from services.talent import events
from services.talent.domain import claims as domain
from services.talent.domain.claims import Claim
from services.talent.storage import queries
from services.talent.usecases import Deps
from services.talent.usecases.claims import (
    CLAIM,
    agency_slots,
    demand_slots,
    end_claim,
    free_units,
    release_all_of,
)
from shared.errors import ConflictError
from shared.events import Envelope
from shared.store import Versioned

log = logging.getLogger(__name__)


async def expire_due(deps: Deps) -> int:
    """Expire active claims past their time and free every finished claim's slots."""
    expired = 0
    for v in await queries.claims_due(deps.repos.claims, deps.now()):
        try:
            await end_claim(deps, v.state.id, lambda c: domain.expire(c, deps.now()))
            expired += 1
        except ConflictError:
            continue  # another sweeper, a release or a revocation came first
    for v in await queries.claims_unfreed(deps.repos.claims):
        await free_units(deps, v.state)
    await release_on_closed_demands(deps)
    await release_orphans(deps)
    return expired


async def remind_due(deps: Deps) -> int:
    """Claims within ``remind_days`` of expiring: one ``talent.claim.reminded`` each."""
    lead = dt.timedelta(days=deps.settings.remind_days)
    reminded = 0
    for v in await queries.claims_to_remind(deps.repos.claims, deps.now() + lead):

        def apply(current: Versioned[Claim]) -> tuple[Claim, list[Envelope]]:
            t = domain.remind(current.state, deps.now(), lead)
            return t.entity, events.claim_events(t.entity, t.events)

        saved = await deps.repos.claims.update(v.state.id, apply, not_found=CLAIM)
        reminded += int(saved.version > v.version)
    return reminded


async def release_on_closed_demands(deps: Deps) -> None:
    """A claim granted while its demand was being withdrawn can outlive the withdrawal's
    own clean-up (it lists the active claims once): end such claims here."""
    active = await queries.claims(deps.repos.claims, queries.claims_filter(state="active"), 1000)
    for demand_id in {c.demand_id for c in active[0]}:
        found = await deps.repos.demands.get(demand_id)
        if found is not None and found.state.state.value != "published":
            await release_all_of(deps, demand_id, found.state.reason or found.state.state.value)


async def release_orphans(deps: Deps) -> int:
    """Slots held with no claim behind them (a grant that died between taking its slots
    and saving its claim) are given back. A slot is only released when it was already an
    orphan at the previous sweep, so a grant in flight right now is never touched."""
    held = await queries.held_claim_slots(deps.repos.units)
    owned = await queries.unfreed_claim_pairs(deps.repos.claims)
    orphans = {slot for slot in held if (slot[1], slot[2]) not in owned}
    released = 0
    for kind, demand_id, agency_id in orphans & deps.orphan_suspects:
        if kind == "demand":
            await deps.repos.units.release(demand_slots(demand_id), agency_id)
        else:
            await deps.repos.units.release(agency_slots(agency_id), demand_id)
        log.warning(
            "released an orphaned %s claim slot (demand %s, agency %s)", kind, demand_id, agency_id
        )
        released += 1
    deps.orphan_suspects = orphans - deps.orphan_suspects
    return released
