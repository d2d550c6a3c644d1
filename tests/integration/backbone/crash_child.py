"""A process the crash test kills with SIGKILL at a chosen point of the outbox path.

``write``: one state change with its event in one MongoDB write, then hang (the parent
kills it before any relay runs). ``publish``: run a relay whose producer SIGKILLs the
process right after the broker acknowledged, before the outbox entry is cleared.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from shared.broker import create_producer
from shared.db import create_mongo_client
from shared.events import new_event
from shared.events.contracts.talent import TalentDemandPublished
from shared.outbox import OutboxRelay, with_outbox
from shared.settings import Settings


class DieAfterAck:
    """Delegates to the real producer; the process dies once a send is acknowledged."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def start(self) -> None:
        await self.inner.start()

    async def stop(self) -> None:
        await self.inner.stop()

    async def send(self, topic: str, value: bytes, *, key: Any, headers: Any) -> Any:
        fut = await self.inner.send(topic, value, key=key, headers=headers)

        async def then_die() -> Any:
            result = await fut
            print("published", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
            return result

        return asyncio.ensure_future(then_die())


async def main(mode: str, db_name: str) -> None:
    settings = Settings()
    client = create_mongo_client(settings)
    db = client[db_name]
    if mode == "write":
        demand = TalentDemandPublished(
            id="d1", owner_org_id="o1", title="架构师", seniority="senior"
        )
        event = new_event(demand, subject="d1", version=1, source="talent")
        doc = {"_id": "d1", "version": 1, **demand.model_dump(mode="json")}
        await db["demands"].insert_one(with_outbox(doc, [event]))
        print("written", flush=True)
        await asyncio.Event().wait()  # hang until killed
    elif mode == "publish":
        relay = OutboxRelay(
            db, ["demands"], DieAfterAck(create_producer(settings)), settings=settings
        )
        await relay.start()
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
