"""The periodic sweep: expire claims (and free any finished claim's slots), remind agencies
of claims about to expire, close demands past their deadline, turn finished guarantees
into support-eligible placements, and free person keys of submissions that died before
their candidate was saved."""

from __future__ import annotations

from services.talent.usecases import Deps, candidates, claim_sweeps, demands, placements


async def sweep_once(deps: Deps) -> dict[str, int]:
    return {
        "claims_expired": await claim_sweeps.expire_due(deps),
        "claims_reminded": await claim_sweeps.remind_due(deps),
        "demands_closed": await demands.close_past_deadline(deps),
        "placements_qualified": await placements.qualify_due(deps),
        "person_keys_freed": await candidates.free_orphaned_person_keys(deps),
    }
