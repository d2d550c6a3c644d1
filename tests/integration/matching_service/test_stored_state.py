"""What matching keeps beside the pairs so hot paths read by ``_id`` only: each demand's
ranking state, and the links from a record to its counterparts — on the real engines."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from pymongo import AsyncMongoClient, monitoring

from services.matching.storage import Repositories
from services.matching.storage.matches import PairLinks, Ranking, pair_id
from services.matching.usecases import Deps
from services.matching.usecases.projection import apply_change
from shared.settings import Settings
from tests.integration.matching_service.helpers import pairs, pending_events
from tests.integration.matching_service.records import change, record

pytestmark = pytest.mark.integration


class Commands(monitoring.CommandListener):
    """The commands a client sent (name and collection), for counting round trips."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        self.seen.append((event.command_name, target if isinstance(target, str) else ""))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


async def test_a_re_ranking_that_changes_nothing_reads_one_document_and_writes_none(
    deps: Deps, settings: Settings
) -> None:
    need, offer = record("tech_need", "org-demand"), record("tech_offer", "org-supply")
    await apply_change(deps, change(need))
    await apply_change(deps, change(offer))
    before = await pairs(deps)
    ranking = await deps.repos.matches.ranking(need.id)
    assert ranking.ranked == (pair_id(need.id, offer.id),)
    assert set(ranking.state) == {pair_id(need.id, offer.id)}

    listener = Commands()
    database = deps.repos.matches.collection.database.name
    client: AsyncMongoClient = AsyncMongoClient(
        settings.mongo_url, tz_aware=True, event_listeners=[listener]
    )
    try:
        watched = replace(deps, repos=Repositories.over(client[database]))
        applied = await apply_change(watched, change(need, "updated", version=2))
        sent = list(listener.seen)
    finally:
        await client.close()

    assert applied.ranking.written == 0 and applied.ranking.pairs == 1
    assert sent == [("find", "rankings")]
    assert await pairs(deps) == before


async def test_a_supply_withdrawn_and_published_again_ranks_again(deps: Deps) -> None:
    """The stored ranking state must not claim a pair the withdrawal deactivated is current."""
    need, offer = record("tech_need", "org-demand"), record("tech_offer", "org-supply")
    await apply_change(deps, change(need))
    await apply_change(deps, change(offer))
    mid = pair_id(need.id, offer.id)
    await apply_change(deps, change(offer, "withdrawn", version=2))
    stored = await deps.repos.matches.get(mid)
    assert stored is not None and not stored["active"] and stored["rank"] is None

    await apply_change(deps, change(offer, "published", version=3))

    stored = await deps.repos.matches.get(mid)
    assert stored is not None and stored["active"] and stored["rank"] == 1
    assert len(await pending_events(deps)) == 1  # suggested once: the pair had been before


async def test_a_demand_withdrawn_and_published_again_ranks_again(deps: Deps) -> None:
    need, offer = record("tech_need", "org-demand"), record("tech_offer", "org-supply")
    await apply_change(deps, change(need))
    await apply_change(deps, change(offer))
    mid = pair_id(need.id, offer.id)
    await apply_change(deps, change(need, "withdrawn", version=2))
    stored = await deps.repos.matches.get(mid)
    assert stored is not None and not stored["active"]

    await apply_change(deps, change(need, "published", version=3))

    stored = await deps.repos.matches.get(mid)
    assert stored is not None and stored["active"] and stored["rank"] == 1


async def test_pairs_stored_before_links_were_kept_are_linked_at_start(deps: Deps) -> None:
    need, offer = record("tech_need", "org-demand"), record("tech_offer", "org-supply")
    await apply_change(deps, change(need))
    await apply_change(deps, change(offer))
    links = deps.repos.matches.links.collection
    await links.delete_many({})  # a database from before links: pairs, no links
    assert await deps.repos.matches.counterparts("supply", offer.id) == []

    # a start-up: a new process (no counters in memory) over that database
    restarted = replace(deps, repos=Repositories.over(deps.repos.matches.collection.database))
    await restarted.repos.ensure_indexes()
    await apply_change(restarted, change(offer, "withdrawn", version=2))

    stored = await deps.repos.matches.get(pair_id(need.id, offer.id))
    assert stored is not None and not stored["active"]


async def test_links_written_by_two_processes_at_once_are_all_kept(deps: Deps) -> None:
    """Two writers (two replicas: separate counters) append to the same records' links."""
    collection = deps.repos.matches.links.collection
    first, second = PairLinks(collection), PairLinks(collection)
    demands = [f"d{i}" for i in range(12)]
    await asyncio.gather(
        *(
            (first if i % 2 else second).add([(d, "s-shared"), (d, f"s-{i}")])
            for i, d in enumerate(demands)
        )
    )
    await first.add([("d-late", "s-shared")])  # its counter is behind: it learns, no gap

    assert sorted(await PairLinks(collection).of("supply", "s-shared")) == sorted(
        [*demands, "d-late"]
    )
    assert sorted(await second.of("demand", "d3")) == ["s-3", "s-shared"]


def test_a_ranking_state_survives_its_document() -> None:
    doc = {
        "ranked": ["d|s1", "d|s2"],
        "state": [{"id": "d|s1", "rank": 1, "score": 2.5, "digest": "ab", "supply_org_id": "o"}],
    }
    ranking = Ranking.from_doc(doc)
    assert ranking.to_doc() == doc and ranking.exists
    assert Ranking.from_doc(ranking.to_doc()) == ranking
    assert ranking.without("d|s1").state == {} and ranking.without("d|s1").ranked == ranking.ranked
