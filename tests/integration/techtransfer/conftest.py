"""Techtransfer against the real FerretDB and Kafka: one app per module on a throw-away
database and topic prefix, tokens from a test signing key (no identity process).

The clock is shared with the app so tests can move "now" (expiry, deadlines); tokens are
verified against real time, so they are minted fresh for each request.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from services.techtransfer.main import create_app, database_name
from services.techtransfer.settings import TechtransferSettings
from services.techtransfer.usecases import Deps
from shared.auth import Caller, OrgType, Role
from shared.settings import Settings
from tests.support.auth import TokenMint, bearer, make_caller
from tests.support.techtransfer import NEED_FIELDS, OFFER_FIELDS
from tests.support.topics import drop_topics_under

TOPICS = ("offer", "need", "interest", "deal", "session", "meeting")


class ShiftableClock:
    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


def offer_body(**overrides: Any) -> dict[str, Any]:
    return {**OFFER_FIELDS, **overrides}


def need_body(**overrides: Any) -> dict[str, Any]:
    return {**NEED_FIELDS, **overrides}


def interest_body(**overrides: Any) -> dict[str, Any]:
    return {
        "answers": {"purpose": "用于产线改造", "how_soon": "within_3_months", "budget_fit": "fits"},
        "contact": {"name": "李明", "phone": "010-62780000", "email": "li@example.cn"},
        **overrides,
    }


CONTACT = {"name": "王老师", "phone": "010-62750000", "email": "wang@example.edu.cn"}


@dataclass
class TT:
    """A running techtransfer app with helpers for acting as any caller."""

    client: httpx.AsyncClient
    app: Any
    clock: ShiftableClock
    settings: Settings
    mint: TokenMint
    callers: dict[str, Caller] = field(default_factory=dict)

    @property
    def deps(self) -> Deps:
        return self.app.state.deps

    def caller(self, org_type: OrgType, role: Role = Role.admin, **kw: Any) -> Caller:
        return make_caller(org_type, role=role, **kw)

    def headers(self, caller: Caller) -> dict[str, str]:
        return bearer(self.mint.token(caller))

    async def call(
        self, caller: Caller | None, method: str, path: str, body: Any = None, **kw: Any
    ) -> httpx.Response:
        headers = self.headers(caller) if caller else {}
        return await self.client.request(method, path, json=body, headers=headers, **kw)

    async def ok(self, caller: Caller, method: str, path: str, body: Any = None) -> Any:
        response = await self.call(caller, method, path, body)
        assert response.status_code in (200, 201), response.text
        return response.json()

    async def offer(self, owner: Caller, publish: bool = True, **overrides: Any) -> dict:
        return await self.ok(owner, "POST", "/offers", offer_body(publish=publish, **overrides))

    async def need(self, owner: Caller, publish: bool = True, **overrides: Any) -> dict:
        return await self.ok(owner, "POST", "/needs", need_body(publish=publish, **overrides))

    def topic(self, name: str) -> str:
        return f"{self.settings.topic_prefix}techtransfer.{name}"


def decode(message: Any) -> dict[str, Any]:
    """A consumed record as an envelope dict (structured JSON, or binary-mode headers)."""
    body = json.loads(message.value) if message.value else {}
    if isinstance(body, dict) and "type" in body:
        return body
    headers = {k: v.decode() for k, v in (message.headers or ())}
    return {
        "id": headers.get("ce_id"),
        "type": headers.get("ce_type"),
        "subject": headers.get("ce_subject"),
        "data": body,
    }


async def wait_for_events(
    tt: TT,
    topic: str,
    predicate: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 20.0,
) -> list[dict[str, Any]]:
    """Consume ``topic`` from the start until ``predicate`` holds for what was seen
    (distinct envelopes, in topic order)."""
    consumer = AIOKafkaConsumer(
        tt.topic(topic),
        bootstrap_servers=tt.settings.kafka_bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen: list[dict[str, Any]] = []
    ids: set[str] = set()
    try:
        async with asyncio.timeout(timeout):
            while not predicate(seen):
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    for event in map(decode, records):
                        if event.get("id") not in ids:  # delivery is at least once
                            ids.add(event.get("id"))
                            seen.append(event)
    except TimeoutError:
        types = [e.get("type") for e in seen]
        raise AssertionError(f"events on {topic} never matched; saw {types}") from None
    finally:
        await consumer.stop()
    return seen


def of_type(events: list[dict[str, Any]], type_: str, subject: str | None = None) -> list[dict]:
    return [
        e
        for e in events
        if e.get("type") == type_ and (subject is None or e.get("subject") == subject)
    ]


@pytest.fixture(scope="module")
async def tt() -> AsyncIterator[TT]:
    suffix = uuid.uuid4().hex[:10]
    settings = Settings(
        db_prefix=f"test_{suffix}",
        topic_prefix=f"test_{suffix}.",
        group_prefix=f"test_{suffix}",
    )
    tts = TechtransferSettings(sweep_seconds=3600)
    clock = ShiftableClock()
    mint = TokenMint()
    app = create_app(settings, tts, clock=clock, verifier=mint.verifier(), sweeper=False)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://techtransfer") as client:
            yield TT(client, app, clock, settings, mint)
    mongo: AsyncMongoClient = AsyncMongoClient(settings.mongo_url)
    await mongo.drop_database(database_name(settings, tts))
    await mongo.close()
    await drop_topics_under(settings)
