"""The periodic sweep: expire claims (and free any finished claim's slots), close demands
past their deadline, and turn finished guarantees into support-eligible placements."""

from __future__ import annotations

from services.talent.usecases import Deps, claims, demands, placements


async def sweep_once(deps: Deps) -> dict[str, int]:
    return {
        "claims_expired": await claims.expire_due(deps),
        "demands_closed": await demands.close_past_deadline(deps),
        "placements_qualified": await placements.qualify_due(deps),
    }
