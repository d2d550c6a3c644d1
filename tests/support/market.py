"""What the market services' integration tests share: one app per test module on the real
FerretDB and Kafka under throw-away prefixes, tokens from a test signing key, a clock the
tests can move, and helpers to call as any caller and to read the events published.

Each market's ``conftest.py`` subclasses :class:`MarketApp` with its own shortcuts
(``approved``, ``claim``, ``pitch`` …) and builds its fixture with :func:`running`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx
from aiokafka import AIOKafkaConsumer
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from shared.auth import Caller
from shared.db import database_name
from shared.settings import Settings
from tests.support.auth import TokenMint, bearer
from tests.support.topics import drop_topics_under


class ShiftableClock:
    """``now`` plus an offset a test may move (deadlines, expiries, event starts)."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


@dataclass
class MarketApp:
    """A running market app with helpers for acting as any caller."""

    client: httpx.AsyncClient
    app: Any
    clock: ShiftableClock
    settings: Settings
    mint: TokenMint
    operator: Caller

    ok_statuses: ClassVar[tuple[int, ...]] = (200, 201)
    topic_service: ClassVar[str] = ""  # "catalogue." when topics are named without it

    @property
    def deps(self) -> Any:
        return self.app.state.deps

    async def call(
        self, caller: Caller | None, method: str, path: str, body: Any = None, **kw: Any
    ) -> httpx.Response:
        headers = {**(bearer(self.mint.token(caller)) if caller else {}), **kw.pop("headers", {})}
        if body is not None:
            kw["json"] = body
        return await self.client.request(method, path, headers=headers, **kw)

    async def ok(self, caller: Caller, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        response = await self.call(caller, method, path, body, **kw)
        assert response.status_code in self.ok_statuses, response.text
        return response.json()

    def topic(self, name: str) -> str:
        return f"{self.settings.topic_prefix}{self.topic_service}{name}"


def decode(message: Any) -> dict[str, Any]:
    """An envelope from a Kafka record, structured (JSON body) or binary (ce_ headers)."""
    body = json.loads(message.value) if message.value else {}
    if isinstance(body, dict) and "type" in body:
        return body
    headers = {k: v.decode() for k, v in (message.headers or ())}
    return {"id": headers.get("ce_id"), "type": headers.get("ce_type"),
            "subject": headers.get("ce_subject"), "data": body}  # fmt: skip


async def wait_for_events(
    market: MarketApp, topics: list[str], predicate: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 20.0,
) -> list[dict[str, Any]]:  # fmt: skip
    """Consume ``topics`` from the start until ``predicate`` holds (distinct envelopes)."""
    consumer = AIOKafkaConsumer(
        *[market.topic(t) for t in topics], bootstrap_servers=market.settings.kafka_bootstrap,
        group_id=None, auto_offset_reset="earliest", enable_auto_commit=False,
    )  # fmt: skip
    await consumer.start()
    seen: list[dict[str, Any]] = []
    ids: set[str] = set()
    try:
        async with asyncio.timeout(timeout):
            while not predicate(seen):
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    for event in map(decode, records):
                        if event.get("id") not in ids:
                            ids.add(event.get("id"))
                            seen.append(event)
    except TimeoutError:
        raise AssertionError(f"never matched; saw {[e.get('type') for e in seen]}") from None
    finally:
        await consumer.stop()
    return seen


def of_type(events: list[dict[str, Any]], type_: str, subject: str | None = None) -> list[dict]:
    return [e for e in events if e.get("type") == type_ and subject in (None, e.get("subject"))]


async def eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll an async ``check`` until it returns something truthy (deadline, no fixed sleep)."""
    async with asyncio.timeout(timeout):
        while True:
            found = await check()
            if found:
                return found
            await asyncio.sleep(0.1)


def unique_settings() -> Settings:
    suffix = uuid.uuid4().hex[:10]
    return Settings(db_prefix=f"test_{suffix}", topic_prefix=f"test_{suffix}.",
                    group_prefix=f"test_{suffix}")  # fmt: skip


@asynccontextmanager
async def running(
    service: str, settings: Settings, app: Any, startup_timeout: float = 60
) -> AsyncIterator[httpx.AsyncClient]:
    """``app`` started, an HTTP client on it; afterwards its database and topics dropped."""
    try:
        async with LifespanManager(app, startup_timeout=startup_timeout):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=f"http://{service}") as c:
                yield c
    finally:
        await _drop(service, settings)


async def _drop(service: str, settings: Settings) -> None:
    mongo: AsyncMongoClient = AsyncMongoClient(settings.mongo_url)
    await mongo.drop_database(database_name(service, settings))
    await mongo.close()
    await drop_topics_under(settings)


async def publish(market: MarketApp, payload: Any, subject: str, source: str) -> None:
    """Put another service's event on its topic (under this module's prefix)."""
    from aiokafka import AIOKafkaProducer

    from shared.events import new_event, registry

    envelope = new_event(payload, subject=subject, version=1, source=source)
    producer = AIOKafkaProducer(bootstrap_servers=market.settings.kafka_bootstrap)
    await producer.start()
    try:
        topic = market.topic(registry.topic_for(envelope.type))
        await producer.send_and_wait(topic, envelope.to_json_bytes(), key=envelope.kafka_key())
    finally:
        await producer.stop()
