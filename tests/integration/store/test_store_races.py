"""The aggregate store on the real engine: exactly one winner per version, roll-forward,
and counted units that never oversell (FerretDB 1.x loses these races on updates)."""

from __future__ import annotations

import asyncio

import pytest

from shared.store import CHANGES, Conflict, MongoAggregateStore, change_id
from shared.units import AlreadyHeld, CountedUnits
from tests.integration.store.support import Counter, event

pytestmark = pytest.mark.integration


async def test_eight_writers_one_winner_per_round(fresh_db) -> None:
    store = MongoAggregateStore(fresh_db, "counter", Counter)
    await store.create("c1", Counter(id="c1"), [event("c1", 0)])
    for round_ in range(30):
        current = await store.get("c1")
        assert current is not None and current.version == round_ + 1

        async def write(n: int, base=current) -> bool:
            try:
                await store.save("c1", Counter(id="c1", value=n), base.version, [event("c1", n)])
            except Conflict:
                return False
            return True

        won = await asyncio.gather(*(write(n) for n in range(8)))
        assert sum(won) == 1, f"round {round_}: {sum(won)} winners"
    final = await store.get("c1")
    assert final is not None and final.version == 31
    changes = await fresh_db[CHANGES].find({"agg": "c1"}).to_list()
    assert sorted(c["v"] for c in changes) == list(range(1, 32))
    assert all(len(c["events"]) == 1 for c in changes)  # one event per version, no more


async def test_update_retries_to_apply_every_increment(fresh_db) -> None:
    store = MongoAggregateStore(fresh_db, "counter", Counter)
    await store.create("c2", Counter(id="c2"))

    def bump(cur):
        return cur.state.model_copy(update={"value": cur.state.value + 1}), []

    await asyncio.gather(
        *(store.update("c2", bump, not_found=KeyError, attempts=50) for _ in range(20))
    )
    final = await store.get("c2")
    assert final is not None and final.state.value == 20 and final.version == 21


async def test_create_twice_is_a_conflict(fresh_db) -> None:
    store = MongoAggregateStore(fresh_db, "counter", Counter)
    results = await asyncio.gather(
        *(store.create("dup", Counter(id="dup", value=n)) for n in range(8)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))


async def test_reader_rolls_a_missing_state_write_forward(fresh_db) -> None:
    store = MongoAggregateStore(fresh_db, "counter", Counter)
    await store.create("r1", Counter(id="r1", value=1))
    # what a process killed between the change insert and the state write leaves behind
    state = {"_id": "r1", "version": 2, "value": 7}
    await fresh_db[CHANGES].insert_one(
        {
            "_id": change_id("counter", "r1", 2),
            "kind": "counter",
            "agg": "r1",
            "v": 2,
            "collection": "counter",
            "state": state,
            "events": [],
        }
    )
    found = await store.get("r1")
    assert found is not None and found.version == 2 and found.state.value == 7
    assert (await fresh_db["counter"].find_one({"_id": "r1"}))["version"] == 2
    with pytest.raises(Conflict):  # the stale version is taken
        await store.save("r1", Counter(id="r1", value=9), 1)


async def test_two_hundred_bookers_ten_units_then_five_promoted(fresh_db) -> None:
    units = CountedUnits(fresh_db)
    outcomes = await asyncio.gather(
        *(units.acquire("event-1", f"b{n}", 10, wait=True) for n in range(200))
    )
    held = [o for o in outcomes if o.status == "held"]
    assert len(held) == 10
    assert sorted(o.unit for o in held) == list(range(10))
    assert sum(o.status == "waitlisted" for o in outcomes) == 190
    holders = await units.held("event-1", 10)
    assert len(set(holders.values())) == 10
    queue = await units.waiters("event-1")
    assert len(queue) == 190
    leaving = list(holders.values())[:5]
    await asyncio.gather(*(units.release("event-1", h, 10) for h in leaving))
    after = await units.held("event-1", 10)
    assert len(after) == 10
    promoted = set(after.values()) - set(holders.values())
    assert promoted == set(queue[:5])  # first come, first served
    assert len(await units.waiters("event-1")) == 185


async def test_a_holder_cannot_hold_twice(fresh_db) -> None:
    units = CountedUnits(fresh_db)
    results = await asyncio.gather(
        *(units.acquire("e2", "same", 5) for _ in range(8)), return_exceptions=True
    )
    assert sum(getattr(r, "status", None) == "held" for r in results) == 1
    assert all(isinstance(r, AlreadyHeld) for r in results if isinstance(r, Exception))
    assert len(await units.held("e2", 5)) == 1
