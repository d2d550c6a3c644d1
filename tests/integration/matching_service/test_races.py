"""Two ranking passes over one demand at once (two handlers, or two replicas: no lock
stands between them) store each pair once and suggest it once — on the real engines."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from services.matching.ranking import to_index_doc
from services.matching.storage import Repositories
from services.matching.storage.matches import pair_id
from services.matching.usecases import Deps
from services.matching.usecases.pairing import rank_demand
from services.matching.usecases.projection import apply_change
from shared.db import create_mongo_client
from shared.settings import Settings
from tests.integration.matching_service.helpers import pending_events
from tests.integration.matching_service.records import change, record

pytestmark = pytest.mark.integration


async def test_concurrent_passes_over_one_demand_suggest_each_pair_once(
    deps: Deps, settings: Settings
) -> None:
    offers = [record("tech_offer", f"org-supply-{n}") for n in range(3)]
    for offer in offers:
        await apply_change(deps, change(offer))
    need = record("tech_need", "org-demand")
    # projected only: no pass has ranked it yet, so every replica finds new pairs to suggest
    await deps.search.put("tech_need", to_index_doc(need.as_record()), 1)
    demand = await deps.search.get("tech_need", need.id)
    assert demand is not None

    # four "replicas": each its own client and repositories over the same database
    clients = [create_mongo_client(settings) for _ in range(4)]
    database = deps.repos.matches.collection.database.name
    replicas = [replace(deps, repos=Repositories.over(c[database])) for c in clients]
    try:
        results = await asyncio.gather(*(rank_demand(r, demand) for r in replicas))
    finally:
        for c in clients:
            await c.close()

    events = [e for e in await pending_events(deps) if e["type"] == "matching.match.suggested"]
    per_pair: dict[tuple[str, str], int] = {}  # (pair, side): each side is told once
    for e in events:
        key = (e["subject"], e["data"]["side"])
        per_pair[key] = per_pair.get(key, 0) + 1
    assert per_pair, "the offers should rank for the need"
    assert all(n == 1 for n in per_pair.values()), per_pair
    assert sum(len(r.suggested) for r in results) * 2 == len(events)  # each told both sides
    for offer in offers:
        pair = await deps.repos.matches.get(pair_id(need.id, offer.id))
        if pair is not None:
            suggested = [h for h in pair["history"] if h["action"] == "suggested"]
            assert len(suggested) == 1
