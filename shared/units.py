"""Counted resources (seats, claim slots, quotas) on the one exact primitive.

A resource of capacity N is N possible documents ``<resource>:<n>`` in ``units``; holding
one is inserting it, releasing is deleting it. A unique ``_id`` insert is exact under
races on every engine (FerretDB's ``$inc`` and conditional updates are not: measured, 10
seats were sold 10-21 times by a ``$gt`` guard), so 200 concurrent bookers on 10 units
get exactly 10. A holder has at most one unit of a resource: ``<resource>#<holder>`` is
inserted before a unit is sought, so a second request of the same holder is refused.

A FIFO waitlist (``waitlist`` collection) orders those who found the resource full by the
time they joined; :meth:`CountedUnits.promote` moves the head into a freed unit. Two
promoters racing for the same waiter are settled by the same holder key.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from dataclasses import dataclass
from typing import Any, Literal

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.errors import ConflictError

UNITS = "units"
WAITLIST = "waitlist"
STALE_LOCK_S = 10.0


class AlreadyHeld(ConflictError):
    def __init__(self, resource: str) -> None:
        super().__init__(
            "holder",
            "already_held",
            zh="已经预订/认领过，不能重复",
            en=f"already holding or waiting for {resource}",
        )


@dataclass(frozen=True)
class Outcome:
    """What an acquire came to: a unit number, or a place on the waitlist (or neither)."""

    status: Literal["held", "waitlisted", "full"]
    unit: int | None = None


class CountedUnits:
    """Units of many resources in one database (keys name the resource)."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self.units = db[UNITS]
        self.waitlist = db[WAITLIST]

    @staticmethod
    def _holder_key(resource: str, holder: str) -> str:
        return f"{resource}#{holder}"

    async def holding(self, resource: str, holder: str) -> int | None:
        """The unit ``holder`` holds of ``resource`` (None: none)."""
        doc = await self.units.find_one({"_id": self._holder_key(resource, holder)})
        return None if doc is None else doc.get("unit")

    async def acquire(
        self, resource: str, holder: str, capacity: int, *, wait: bool = False
    ) -> Outcome:
        """Take one free unit for ``holder``; when none is free, join the waitlist if
        ``wait`` (:class:`AlreadyHeld` if the holder holds or waits already)."""
        if await self.waiting(resource, holder):
            raise AlreadyHeld(resource)
        unit = await self._take(resource, holder, capacity)
        if unit is not None:
            return Outcome("held", unit)
        if not wait:
            return Outcome("full")
        try:
            await self.waitlist.insert_one(
                {
                    "_id": self._holder_key(resource, holder),
                    "resource": resource,
                    "holder": holder,
                    "seq": time.time_ns(),
                    "at": dt.datetime.now(dt.UTC),
                }
            )
        except DuplicateKeyError as exc:
            raise AlreadyHeld(resource) from exc
        # A unit freed between our look and our joining would wait for nobody: promote
        # (only when one is free; 190 joiners queueing for the promotion lock took 30 s).
        if capacity > 64 or len(await self.held(resource, capacity)) < capacity:
            await self.promote(resource, capacity)
        unit = await self.holding(resource, holder)
        return Outcome("held", unit) if unit is not None else Outcome("waitlisted")

    async def _take(self, resource: str, holder: str, capacity: int) -> int | None:
        key = self._holder_key(resource, holder)
        try:
            await self.units.insert_one({"_id": key, "resource": resource, "unit": None})
        except DuplicateKeyError as exc:
            raise AlreadyHeld(resource) from exc
        order = list(range(capacity))
        start = random.randrange(capacity) if capacity else 0  # noqa: S311 - spreads contention
        for n in order[start:] + order[:start]:
            try:
                await self.units.insert_one(
                    {"_id": f"{resource}:{n}", "resource": resource, "holder": holder}
                )
            except DuplicateKeyError:
                continue
            await self.units.replace_one({"_id": key}, {"resource": resource, "unit": n})
            return n
        await self.units.delete_one({"_id": key})
        return None

    async def release(self, resource: str, holder: str, capacity: int | None = None) -> bool:
        """Give back ``holder``'s unit (or its place on the waitlist). With ``capacity``
        the head of the waitlist is promoted into the freed unit. True if anything was
        held."""
        key = self._holder_key(resource, holder)
        left = await self.waitlist.delete_one({"_id": key})
        doc = await self.units.find_one({"_id": key})
        if doc is None:
            return left.deleted_count > 0
        if doc.get("unit") is not None:
            unit = await self.units.find_one({"_id": f"{resource}:{doc['unit']}"})
            if unit is not None and unit.get("holder") == holder:
                await self.units.delete_one({"_id": f"{resource}:{doc['unit']}"})
        await self.units.delete_one({"_id": key})
        if capacity is not None:
            await self.promote(resource, capacity)
        return True

    async def waiting(self, resource: str, holder: str) -> bool:
        return await self.waitlist.find_one({"_id": self._holder_key(resource, holder)}) is not None

    async def waiters(self, resource: str) -> list[str]:
        """Holders on the waitlist, first come first (reads this resource's entries)."""
        found = await self.waitlist.find({"resource": resource}).to_list()
        return [w["holder"] for w in sorted(found, key=lambda w: (w["seq"], w["_id"]))]

    async def position(self, resource: str, holder: str) -> int | None:
        """``holder``'s 1-based place on the waitlist (1: next in), None when not waiting.
        One ``_id`` read decides that; only an actual waiter pays for reading the order."""
        if not await self.waiting(resource, holder):
            return None
        order = await self.waiters(resource)
        return order.index(holder) + 1 if holder in order else None  # promoted meanwhile

    async def held(self, resource: str, capacity: int) -> dict[int, str]:
        """Unit number -> holder, for every held unit (one ``_id`` read per unit)."""
        docs = await asyncio.gather(
            *(self.units.find_one({"_id": f"{resource}:{n}"}) for n in range(capacity))
        )
        return {n: d["holder"] for n, d in enumerate(docs) if d is not None}

    async def promote(self, resource: str, capacity: int) -> list[str]:
        """Move waiters, first come first, into free units; returns who was promoted.
        Promotions of one resource run one at a time (a lock taken by unique insert), or
        two promoters could seat the second waiter while the first is being tried."""
        lock = f"{resource}~promoting"
        for _ in range(400):
            try:
                await self.units.insert_one({"_id": lock, "at": time.time()})
                break
            except DuplicateKeyError:
                held = await self.units.find_one({"_id": lock})
                if held is not None and time.time() - held.get("at", 0) > STALE_LOCK_S:
                    await self.units.delete_one({"_id": lock})  # its promoter died
                await asyncio.sleep(random.uniform(0.002, 0.01))  # noqa: S311
        else:
            return []  # the lock's holder is promoting; it sees the unit we freed
        promoted: list[str] = []
        try:
            for holder in await self.waiters(resource):
                try:
                    unit = await self._take(resource, holder, capacity)
                except AlreadyHeld:
                    continue  # it holds a unit already (joined, then was seated)
                if unit is None:
                    break
                await self.waitlist.delete_one({"_id": self._holder_key(resource, holder)})
                promoted.append(holder)
        finally:
            await self.units.delete_one({"_id": lock})
        return promoted
