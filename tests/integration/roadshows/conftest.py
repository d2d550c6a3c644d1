"""Roadshows against the real FerretDB and Kafka: one app per module on a throw-away
database and topic prefix, tokens from a test signing key, and a clock the tests can
move (cut-offs, the end of a roadshow). The sweeper is off; tests call what they need.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from services.roadshows.main import create_app
from services.roadshows.settings import RoadshowsSettings
from services.roadshows.usecases import Deps
from shared.auth import Caller, OrgType
from shared.db import database_name
from shared.settings import Settings
from tests.support.auth import TokenMint, bearer, make_caller

PDF = b"%PDF-1.4\n% test deck\n" + b"0" * 200


class ShiftableClock:
    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


def at(hours: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()


def mandate_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "人工智能早期项目投资", "description": "关注大模型应用与AI基础设施",
        "domains": ["ai"], "keywords": ["大模型"], "stages": ["pre_a", "a"],
        "ticket_cny": [5_000_000, 50_000_000], "fund_type": "government",
        "exclusions": ["blockchain"], **overrides,
    }  # fmt: skip


def pitch_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "工业大模型质检平台 A轮", "description": "面向3C制造的视觉质检大模型",
        "domains": ["ai", "manufacturing"], "keywords": ["大模型", "质检"], "stage": "a",
        "ask_cny": 30_000_000, "revenue_cny": 12_000_000,
        "metrics": [{"name": "客户数", "value": "42"}], **overrides,
    }  # fmt: skip


def roadshow_body(hours: float = 48, **overrides: Any) -> dict[str, Any]:
    return {
        "title": "人工智能专场路演", "domain": "ai", "topic": "大模型应用",
        "starts_at": at(hours), "ends_at": at(hours + 2), "venue": "中关村会议中心",
        "pitch_slots": 3, "investor_seats": 5, "cancel_cutoff_hours": 24,
        "meeting_slots": 3, "meeting_minutes": 20, "meeting_tables": 2, **overrides,
    }  # fmt: skip


@dataclass
class RS:
    """A running roadshows app with helpers for acting as any caller."""

    client: httpx.AsyncClient
    app: Any
    clock: ShiftableClock
    settings: Settings
    mint: TokenMint
    operator: Caller

    @property
    def deps(self) -> Deps:
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
        assert response.status_code in (200, 201, 202), response.text
        return response.json()

    async def roadshow(self, hours: float = 48, **overrides: Any) -> dict[str, Any]:
        return await self.ok(self.operator, "POST", "/roadshows", roadshow_body(hours, **overrides))

    async def pitch(self, owner: Caller, **overrides: Any) -> dict[str, Any]:
        return await self.ok(owner, "POST", "/pitches", pitch_body(**overrides))

    def topic(self, name: str) -> str:
        return f"{self.settings.topic_prefix}{name}"


def decode(message: Any) -> dict[str, Any]:
    return json.loads(message.value)


async def wait_for_events(
    rs: RS, topics: list[str], predicate: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 20.0,
) -> list[dict[str, Any]]:  # fmt: skip
    """Consume ``topics`` from the start until ``predicate`` holds (distinct envelopes)."""
    consumer = AIOKafkaConsumer(
        *[rs.topic(t) for t in topics], bootstrap_servers=rs.settings.kafka_bootstrap,
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


@pytest.fixture(scope="module")
async def rs() -> AsyncIterator[RS]:
    suffix = uuid.uuid4().hex[:10]
    settings = Settings(db_prefix=f"test_{suffix}", topic_prefix=f"test_{suffix}.",
                        group_prefix=f"test_{suffix}")  # fmt: skip
    own = RoadshowsSettings(sweep_seconds=3600, deck_max_bytes=50_000)
    clock = ShiftableClock()
    mint = TokenMint()
    app = create_app(settings, own, clock=clock, verifier=mint.verifier(), sweeper=False)
    async with LifespanManager(app, startup_timeout=60):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://roadshows") as client:
            yield RS(client, app, clock, settings, mint, make_caller(OrgType.operator))
    mongo: AsyncMongoClient = AsyncMongoClient(settings.mongo_url)
    await mongo.drop_database(database_name("roadshows", settings))
    await mongo.close()
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(settings.topic_prefix)]
        if mine:
            await admin.delete_topics(mine)
    finally:
        await admin.close()


@pytest.fixture(autouse=True)
def _reset_clock(rs: RS) -> Any:
    """A test that moves "now" leaves it where it found it."""
    yield
    rs.clock.offset = dt.timedelta()


async def publish(rs: RS, payload: Any, subject: str, source: str) -> None:
    """Put another service's event on its topic (under this module's prefix)."""
    from aiokafka import AIOKafkaProducer

    from shared.events import new_event, registry

    envelope = new_event(payload, subject=subject, version=1, source=source)
    producer = AIOKafkaProducer(bootstrap_servers=rs.settings.kafka_bootstrap)
    await producer.start()
    try:
        topic = rs.topic(registry.topic_for(envelope.type))
        await producer.send_and_wait(topic, envelope.to_json_bytes(), key=envelope.kafka_key())
    finally:
        await producer.stop()


def tier_changed(enterprise_id: str, tier: str, sequence: int = 1, action: str = "added") -> Any:
    from shared.events.contracts.identity import EnterpriseTierChanged

    return EnterpriseTierChanged(
        enterprise_id=enterprise_id, enterprise_name="示例企业", district="haidian", tier=tier,
        action=action, reason="测试", automatic=False, sequence=sequence,
        changed_at=dt.datetime.now(dt.UTC), tiers=[tier] if action == "added" else [],
    )  # fmt: skip


def match_suggested(pitch: dict[str, Any], mandate: dict[str, Any], score: float) -> Any:
    from shared.events.contracts.matching import MatchSuggested

    return MatchSuggested(
        match_id=f"{mandate['id']}|{pitch['id']}", trigger="ranking", reason="entered_top",
        recipient_org_id=mandate["owner_org_id"], demand_id=mandate["id"],
        demand_kind="investor_mandate", demand_org_id=mandate["owner_org_id"],
        supply_id=pitch["id"], supply_kind="pitch", supply_org_id=pitch["owner_org_id"],
        score=score, rank=1,
    )  # fmt: skip


def hours_into_this_month(wanted: float = 30) -> float:
    """A start ``wanted`` hours ahead, or earlier so it stays in this (Beijing) month."""
    from services.roadshows.domain.calendar import month_bounds, month_of

    now = dt.datetime.now(dt.UTC)
    _, end = month_bounds(month_of(now))
    left = (end - now).total_seconds() / 3600
    return max(0.25, min(wanted, left - 3))
