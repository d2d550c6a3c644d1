"""The periodic sweep: heal seat promotions whose booking record lagged the units."""

from __future__ import annotations

from services.roadshows.storage import queries
from services.roadshows.usecases import Deps
from services.roadshows.usecases.seats import reconcile


async def sweep_once(deps: Deps) -> int:
    promoted = 0
    for rs in await queries.every(deps.repos.roadshows, queries.upcoming(deps.now())):
        promoted += len(await reconcile(deps, rs))
    return promoted
