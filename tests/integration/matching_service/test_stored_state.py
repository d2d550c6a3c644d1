"""What matching keeps beside the pairs so hot paths read by ``_id`` only: each demand's
standing, and the links from a record to its counterparts — on the real engines."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
from pymongo import AsyncMongoClient, monitoring

from services.matching.ranking import build_reverse_query, to_index_doc
from services.matching.storage import Repositories
from services.matching.storage.matches import PairLinks, pair_id
from services.matching.storage.standing import Standing, StandingState
from services.matching.usecases import Deps
from services.matching.usecases.projection import apply_change
from shared.settings import Settings
from shared.store import Versioned
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


@asynccontextmanager
async def watched(deps: Deps, settings: Settings) -> AsyncIterator[tuple[Deps, list[Any]]]:
    """``deps`` over a client that records the commands it sends."""
    listener = Commands()
    database = deps.repos.matches.collection.database.name
    client: AsyncMongoClient = AsyncMongoClient(
        settings.mongo_url, tz_aware=True, event_listeners=[listener]
    )
    try:
        yield replace(deps, repos=Repositories.over(client[database])), listener.seen
    finally:
        await client.close()


async def test_a_re_ranking_that_changes_nothing_reads_one_document_and_writes_none(
    deps: Deps, settings: Settings
) -> None:
    need, offer = record("tech_need", "org-demand"), record("tech_offer", "org-supply")
    await apply_change(deps, change(need))
    await apply_change(deps, change(offer))
    before = await pairs(deps)
    standing = await deps.repos.matches.standing(need.id)
    assert standing.ranked == (pair_id(need.id, offer.id),)
    assert set(standing.state) == {pair_id(need.id, offer.id)}

    async with watched(deps, settings) as (spied, sent):
        applied = await apply_change(spied, change(need, "updated", version=2))
        seen = list(sent)

    assert applied.pairing.written == 0 and applied.pairing.pairs == 1
    # the standing by _id (collection "rankings"), and the store's probe for a newer change
    assert seen == [("find", "rankings"), ("find", "changes")]
    assert await pairs(deps) == before


async def test_a_supply_withdrawn_and_published_again_ranks_again(deps: Deps) -> None:
    """The stored standing must not claim a pair the withdrawal deactivated is current."""
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
    assert (
        len(await pending_events(deps)) == 2
    )  # suggested once (to each side): the pair had been before


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


def test_a_standing_survives_its_document() -> None:
    stored = StandingState(
        id="d",
        ranked=["d|s1", "d|s2"],
        state=[{"id": "d|s1", "rank": 1, "score": 2.5, "digest": "ab", "supply_org_id": "o"}],
    )
    standing = Standing.from_stored(Versioned(stored, 3))
    assert standing.to_state("d") == stored and standing.version == 3
    assert Standing.from_stored(Versioned(standing.to_state("d"), 3)) == standing
    assert standing.without("d|s1").state == {}
    assert standing.without("d|s1").ranked == standing.ranked


async def test_a_new_supply_re_ranks_only_the_demands_it_can_enter(deps: Deps) -> None:
    need, offer = record("tech_need", "org-demand"), record("tech_offer", "org-supply")
    # a standing demand the offer's text meets (the reverse query finds it) but that shares
    # one word with it: it cannot rank the offer
    loose = record(
        "tech_need", "org-other", title="模型安全评测平台", description="红队测试与攻防演练。",
        keywords=["红队", "攻防"],
    )  # fmt: skip
    await apply_change(deps, change(need))
    await apply_change(deps, change(loose))
    reverse = build_reverse_query(to_index_doc(offer.as_record()), size=30)
    found = await deps.search.search("tech_need", reverse)
    assert loose.id in {h["_id"] for h in found["hits"]["hits"]}

    applied = await apply_change(deps, change(offer))

    assert applied.pairing.demands == 1
    assert set(await pairs(deps)) == {pair_id(need.id, offer.id)}


async def test_a_withdrawal_sends_no_update_for_pairs_already_inactive(
    deps: Deps, settings: Settings
) -> None:
    """FerretDB 1.x scans the whole collection for ``{_id: x, active: true}`` when x is not
    active: such pairs are read by ``_id`` and left alone."""
    need, offer = record("tech_need", "org-demand"), record("tech_offer", "org-supply")
    await apply_change(deps, change(need))
    await apply_change(deps, change(offer))
    await apply_change(deps, change(need, "withdrawn", version=2))

    async with watched(deps, settings) as (spied, sent):
        await apply_change(spied, change(offer, "withdrawn", version=2))
        seen = list(sent)

    assert ("update", "matches") not in seen
    stored = await deps.repos.matches.get(pair_id(need.id, offer.id))
    assert stored is not None and not stored["active"]
