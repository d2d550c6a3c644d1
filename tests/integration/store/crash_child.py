"""A process killed with SIGKILL between a change's insert and its state write.

``plain``: no relay in the process (a CLI or a replica that does not lead), so the
store leaves a nudge. ``leader``: the process leads the relay (1 s lease), so it leaves
no nudge and the next leader's takeover sweep must find the change.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from pymongo.asynchronous.collection import AsyncCollection

from shared.broker import create_producer
from shared.db import create_mongo_client
from shared.relay import ChangeRelay
from shared.settings import Settings
from shared.store import MongoAggregateStore
from tests.integration.store.support import Counter, event


async def main(mode: str, db_name: str, prefix: str) -> None:
    settings = Settings(topic_prefix=prefix)
    client = create_mongo_client(settings)
    db = client[db_name]
    if mode == "leader":
        relay = ChangeRelay(
            db, create_producer(settings), service="crash", settings=settings, lease_seconds=1.0
        )
        await relay.start()
        assert relay.leader

    async def die(*_a, **_k):
        os.kill(os.getpid(), signal.SIGKILL)

    AsyncCollection.bulk_write = die  # the state write: the process dies before it
    store = MongoAggregateStore(db, "counter", Counter)
    await store.create("k1", Counter(id="k1", value=5), [event("k1", 5)])


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
