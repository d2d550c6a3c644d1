""" "At most one live holder per key" (a credit code, an e-mail, one open request per pair)
on the aggregate store, instead of a unique index on a state collection.

A unique index on the collection the store writes state documents to cannot be used: the
state write comes after the change insert, so a refused state write would leave a change
that every reader rolls forward and fails again. Here the key itself is an aggregate
(``unique_keys/<key>``) whose state names its holder; taking it is a store ``create`` (or a
``save`` over an ended holder at the version read), so exactly one of many concurrent
claimants wins.

Nothing releases a key: a key is free again once its holder has ended (``live`` says so:
the holder left the state that needs the key, or changed the keyed value). A holder that
does not exist yet counts as live for ``grace`` after the claim, since the claimant creates
it right after claiming; a claimant that died in between blocks the key for that long.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.store import Conflict, MongoAggregateStore

#: ``live(holder)``: True while the holder needs the key, False once it ended, None if
#: there is no such holder (yet)
Live = Callable[[str], Awaitable[bool | None]]


class KeyHolder(BaseModel):
    holder: str
    at: dt.datetime


class UniqueKeys:
    """Keys of one database, each held by at most one live holder."""

    def __init__(
        self,
        db: AsyncDatabase[Any],
        *,
        grace: dt.timedelta = dt.timedelta(seconds=60),
        collection: str = "unique_keys",
    ) -> None:
        self.store = MongoAggregateStore(db, "unique_key", KeyHolder, collection=collection)
        self.grace = grace

    async def holder(self, key: str) -> str | None:
        found = await self.store.get(key)
        return found.state.holder if found else None

    async def claim(self, key: str, holder: str, live: Live, attempts: int = 4) -> bool:
        """Make ``holder`` the key's holder; False if another live holder has it."""
        for _ in range(attempts):
            now = dt.datetime.now(dt.UTC)
            current = await self.store.get(key)
            try:
                if current is None:
                    await self.store.create(key, KeyHolder(holder=holder, at=now))
                    return True
                if current.state.holder == holder:
                    return True
                state = await live(current.state.holder)
                at = current.state.at
                at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
                if state or (state is None and now - at < self.grace):
                    return False
                await self.store.save(key, KeyHolder(holder=holder, at=now), current.version)
                return True
            except Conflict:
                continue  # another claimant wrote first: look again
        return False
