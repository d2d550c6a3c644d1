"""Reporting against the real Kafka and FerretDB: the known year (``tests/support/
reporting.py``) and one poison message are published on throw-away topics, then one
reporting app reads them into its read model. Shared by the package's modules (one
publish, one app); topics and the database are removed afterwards."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from asgi_lifespan import LifespanManager

from services.reporting.main import create_app
from services.reporting.settings import ReportingSettings
from services.reporting.usecases.queries import Deps
from shared.auth import Caller, OrgType
from shared.broker import ensure_topics
from shared.db import create_mongo_client, database_name
from shared.events import topic_for, topic_name
from shared.settings import Settings
from tests.conftest import _reachable
from tests.support.auth import TokenMint, bearer, make_caller
from tests.support.reporting import known_events
from tests.support.topics import drop_topics_under

POISON = b'{"specversion": "1.0", "id": "poison-1", "type": "techtransfer.need.published"'


@dataclass
class RP:
    client: httpx.AsyncClient
    app: Any
    settings: Settings
    mint: TokenMint
    published: int

    @property
    def deps(self) -> Deps:
        return self.app.state.deps

    async def get(self, caller: Caller | None, path: str, **params: Any) -> httpx.Response:
        headers = bearer(self.mint.token(caller)) if caller else {}
        return await self.client.get(path, headers=headers, params=params)

    def caller(self, org_type: OrgType, org_id: str, district: str | None = None,
               kind: str | None = None) -> Caller:  # fmt: skip
        base = make_caller(org_type, org_id=org_id, district=district)
        return base.model_copy(update={"government_kind": kind, "district": district})


async def wait_for(predicate: Any, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def publish(settings: Settings) -> int:
    events = known_events()
    topics = sorted({topic_for(e.type, settings) for e in events})
    await ensure_topics(topics, settings)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for env in events:
            await producer.send_and_wait(topic_for(env.type, settings), env.to_json_bytes(),
                                         key=env.kafka_key())  # fmt: skip
        await producer.send_and_wait(topic_name("techtransfer.need", settings), POISON, key=b"p")
    finally:
        await producer.stop()
    return len(events) + 1


@pytest.fixture(scope="package")
async def rp() -> AsyncIterator[RP]:
    run = uuid.uuid4().hex[:10]
    settings = Settings(topic_prefix=f"t-{run}.", group_prefix=f"t-{run}", db_prefix=f"t_{run}",
                        index_prefix=f"t-{run}")  # fmt: skip
    if not _reachable(settings.kafka_bootstrap) or not _reachable("127.0.0.1:27017"):
        pytest.skip("Kafka or FerretDB not reachable")
    published = await publish(settings)
    mint = TokenMint()
    rs = ReportingSettings(checkpoint_seconds=0.2, alert_seconds=3600)
    app = create_app(settings, rs, verifier=mint.verifier())
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as c:
                rp = RP(c, app, settings, mint, published)
                reader = rp.deps.reader
                await wait_for(lambda: sum(reader.projector.offsets.values()) >= published,
                               what="every published message read")  # fmt: skip
                yield rp
    finally:
        client = create_mongo_client(settings)
        await client.drop_database(database_name("reporting", settings))
        await client.close()
        await drop_topics_under(settings)


OPERATOR_ID = "op-1"


@pytest.fixture
def operator(rp: RP) -> Caller:
    return rp.caller(OrgType.operator, OPERATOR_ID)


def org_caller(rp: RP, org_type: OrgType, org_id: str) -> Caller:
    return rp.caller(org_type, org_id)


__all__ = ["RP", "wait_for"]
