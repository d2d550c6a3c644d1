"""Keyed lists on the real engine: concurrent writers lose nothing, members leave the
lists they no longer belong to, a database from before the lists gets them built once,
and lists answer without a collection scan."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel

from shared.keyed_lists import ListSpec
from shared.store import MongoAggregateStore

pytestmark = pytest.mark.integration

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
LISTS = (
    ListSpec("owner", ("owner",), ("state", "at"), buckets=4),
    ListSpec("queue", ("state",), ("at",), (("state", ("submitted",)),)),
)


class Item(BaseModel):
    id: str = ""
    owner: str
    state: str
    at: dt.datetime
    version: int = 0


def store(db: Any) -> MongoAggregateStore[Item]:
    return MongoAggregateStore(db, "item", Item, collection="items", lists=LISTS)


async def test_concurrent_saves_of_one_key_are_all_listed_and_paged(fresh_db: Any) -> None:
    items = store(fresh_db)
    await asyncio.gather(*(
        items.create(f"i{n:02d}", Item(owner="o1", state="draft", at=T0 + dt.timedelta(n)))
        for n in range(40)
    ))  # fmt: skip
    newest = [("at", -1), ("_id", 1)]
    assert await items.count({"owner": "o1"}) == 40
    page = await items.find({"owner": "o1"}, sort=newest, skip=5, limit=10)
    assert [v.state.id for v in page] == [f"i{n:02d}" for n in range(34, 24, -1)]
    # another store over the same database (what a second replica would build) agrees
    assert await store(fresh_db).count({"owner": "o1", "state": "draft"}) == 40


async def test_a_member_leaves_the_queue_it_no_longer_belongs_to(fresh_db: Any) -> None:
    items = store(fresh_db)
    made = await items.create("a", Item(owner="o1", state="submitted", at=T0))
    assert [v.state.id for v in await items.find({"state": "submitted"})] == ["a"]
    await items.save("a", made.state.model_copy(update={"state": "approved"}), made.version)
    assert await items.find({"state": "submitted"}) == []
    assert await items.count({"state": "submitted"}) == 0
    (mine,) = await items.find({"owner": "o1"})
    assert mine.state.state == "approved" and mine.version == 2


async def test_lists_are_built_once_for_a_database_from_before_them(fresh_db: Any) -> None:
    plain = MongoAggregateStore(fresh_db, "item", Item, collection="items")
    for n in range(5):
        await plain.create(f"old{n}", Item(owner="o2", state="submitted", at=T0))
    items = store(fresh_db)
    assert await items.count({"owner": "o2"}) == 0  # no lists yet
    await items.ensure_indexes()
    assert await items.count({"owner": "o2"}) == 5
    assert await items.count({"state": "submitted"}) == 5
    assert await items.lists.ensure_built(items.col) == 0  # type: ignore[union-attr]


async def test_an_entry_that_lags_its_document_is_not_shown(fresh_db: Any) -> None:
    items = store(fresh_db)
    made = await items.create("b", Item(owner="o3", state="submitted", at=T0))
    # the document changed and the list was not told (a process died in between)
    await items.col.update_one({"_id": "b"}, {"$set": {"state": "rejected", "version": 2}})
    assert await items.find({"state": "submitted"}) == []
    assert made.version == 1


async def test_two_replicas_writing_one_key_each_from_its_own_last_write(fresh_db: Any) -> None:
    """Each store remembers the buckets it wrote and writes the next from there without
    reading; the other replica's writes in between are found by the delta's compare-and-set
    (a duplicate revision), so nothing is lost either way."""
    one, two = store(fresh_db), store(fresh_db)
    for n in range(12):  # interleaved: every write follows one by the other replica
        writer = one if n % 2 else two
        await writer.create(f"i{n:02d}", Item(owner="o1", state="draft", at=T0 + dt.timedelta(n)))
    await asyncio.gather(*(
        (one if n % 2 else two).create(
            f"j{n:02d}", Item(owner="o1", state="submitted", at=T0 + dt.timedelta(n))
        )
        for n in range(20)
    ))  # fmt: skip
    for reader in (one, two, store(fresh_db)):
        assert await reader.count({"owner": "o1"}) == 32
        assert await reader.count({"state": "submitted"}) == 20


async def test_a_write_after_its_own_reads_no_bucket(fresh_db: Any) -> None:
    items = store(fresh_db)
    made = await items.create("a", Item(owner="o1", state="draft", at=T0))
    made = await items.save("a", made.state.model_copy(update={"state": "submitted"}), 1)
    assert items.lists is not None
    reads: list[Any] = []
    for col in (items.lists.col, items.lists.revs):  # the real collections, reads counted

        def counting(real: Any) -> Any:
            async def find_one(*args: Any, **kwargs: Any) -> Any:
                reads.append(args)
                return await real(*args, **kwargs)

            return find_one

        col.find_one = counting(col.find_one)  # type: ignore[method-assign]
    try:
        later = made.state.model_copy(update={"at": T0 + dt.timedelta(1)})
        await items.save("a", later, made.version)  # both its buckets written here before
    finally:
        del items.lists.col.find_one, items.lists.revs.find_one
    assert reads == [], "the buckets this store wrote last are not read back"
    (found,) = await store(fresh_db).find({"state": "submitted"})
    assert found.state.at == T0 + dt.timedelta(1) and found.version == 3
