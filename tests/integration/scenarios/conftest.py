"""Scenarios against the real FerretDB and Kafka: one app per module on a throw-away
database and topic prefix, tokens from a test signing key, and a clock the tests can
move past a deadline.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from services.scenarios.main import create_app
from services.scenarios.settings import ScenariosSettings
from services.scenarios.usecases import Deps
from shared.auth import Caller, OrgType
from shared.db import database_name
from shared.settings import Settings
from tests.support.auth import TokenMint, bearer, make_caller

CRITERIA = [
    {"code": "tech", "name": "技术方案", "weight": 40, "scale": 10},
    {"code": "team", "name": "团队能力", "weight": 20, "scale": 10},
    {"code": "price", "name": "报价合理性", "weight": 20, "scale": 10},
    {"code": "cases", "name": "应用案例", "weight": 20, "scale": 10},
]
BATCHES = itertools.count()


class ShiftableClock:
    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


def at(hours: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()


def scenario_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "基层医疗机构AI辅助影像诊断场景",
        "problem": "为社区卫生服务中心提供影像AI辅助诊断",
        "domain": "health",
        "keywords": ["影像AI", "辅助诊断"],
        "site": "房山区社区卫生服务中心",
        "district": "房山区",
        "budget_cny": [1_500_000, 4_000_000],
        "timeline": {"starts_on": "2027-01-01", "ends_on": "2027-06-30"},
        "requirements": {"qualifications": ["nmpa_reg"], "beijing_registered": True, "min_trl": 6},
        "criteria": CRITERIA,
        "deadline": at(48),
        "award_slots": 1,
        "shortlist_size": 3,
        **overrides,
    }


FACTS = {"qualifications": ["nmpa_reg", "iso13485"], "beijing_registered": True, "trl": 7}


def proposal_body(price: int = 2_800_000, **overrides: Any) -> dict[str, Any]:
    return {
        "approach": "部署肺结节与骨折识别模型，提供远程阅片",
        "team": "算法8人、实施4人",
        "references": ["海淀区某社区医院影像AI项目"],
        "price_cny": price,
        "facts": FACTS,
        **overrides,
    }


def capability_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "医学影像AI辅助诊断",
        "description": "肺结节、骨折影像AI，已获医疗器械注册证",
        "domains": ["health", "ai"],
        "keywords": ["影像AI", "辅助诊断"],
        "qualifications": ["nmpa_reg"],
        "trl": 7,
        **overrides,
    }


@dataclass
class SC:
    """A running scenarios app with helpers for acting as any caller."""

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

    async def published(self, publisher: Caller, **overrides: Any) -> dict[str, Any]:
        """A scenario posted by ``publisher`` and published in a fresh batch."""
        s = await self.ok(publisher, "POST", "/scenarios", scenario_body(**overrides))
        n = next(BATCHES)
        year, number = 2030 + n // 99, n % 99 + 1
        body = {"year": year, "number": number, "title": "测试批次", "scenario_ids": [s["id"]]}
        await self.ok(self.operator, "POST", "/batches", body)
        return await self.ok(publisher, "GET", f"/scenarios/{s['id']}")

    def past_deadline(self, hours: float = 49) -> None:
        self.clock.offset = dt.timedelta(hours=hours)

    def topic(self, name: str) -> str:
        return f"{self.settings.topic_prefix}{name}"


def publisher() -> Caller:
    return make_caller(OrgType.government)


def expert(org_type: OrgType = OrgType.university) -> Caller:
    return make_caller(org_type)


async def wait_for_events(
    sc: SC,
    topics: list[str],
    predicate: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 20.0,
) -> list[dict[str, Any]]:
    """Consume ``topics`` from the start until ``predicate`` holds (distinct envelopes)."""
    consumer = AIOKafkaConsumer(
        *[sc.topic(t) for t in topics],
        bootstrap_servers=sc.settings.kafka_bootstrap,
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
                    for event in (json.loads(r.value) for r in records):
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


async def publish(sc: SC, payload: Any, subject: str, source: str) -> None:
    """Put another service's event on its topic (under this module's prefix)."""
    from shared.events import new_event, registry

    envelope = new_event(payload, subject=subject, version=1, source=source)
    producer = AIOKafkaProducer(bootstrap_servers=sc.settings.kafka_bootstrap)
    await producer.start()
    try:
        topic = sc.topic(registry.topic_for(envelope.type))
        await producer.send_and_wait(topic, envelope.to_json_bytes(), key=envelope.kafka_key())
    finally:
        await producer.stop()


@pytest.fixture(scope="module")
async def sc() -> AsyncIterator[SC]:
    suffix = uuid.uuid4().hex[:10]
    settings = Settings(
        db_prefix=f"test_{suffix}", topic_prefix=f"test_{suffix}.", group_prefix=f"test_{suffix}"
    )
    clock = ShiftableClock()
    mint = TokenMint()
    app = create_app(settings, ScenariosSettings(), clock=clock, verifier=mint.verifier())
    async with LifespanManager(app, startup_timeout=60):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://scenarios") as client:
            yield SC(client, app, clock, settings, mint, make_caller(OrgType.operator))
    mongo: AsyncMongoClient = AsyncMongoClient(settings.mongo_url)
    await mongo.drop_database(database_name("scenarios", settings))
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
def _reset_clock(sc: SC) -> Any:
    """A test that moves "now" leaves it where it found it."""
    yield
    sc.clock.offset = dt.timedelta()
