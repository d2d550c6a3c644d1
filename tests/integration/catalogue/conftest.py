"""Catalogue against the real FerretDB and Kafka: one app per module on a throw-away
database and topic prefix, tokens from a test signing key, a clock the tests can move
(listing expiry, event start). The periodic sweeper is off; tests call ``sweep_once``.
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

from services.catalogue.main import create_app
from services.catalogue.settings import CatalogueSettings
from services.catalogue.usecases import Deps
from services.catalogue.usecases.sweep import sweep_once
from shared.auth import Caller, OrgType
from shared.db import database_name
from shared.settings import Settings
from tests.support.auth import TokenMint, bearer, make_caller


class ShiftableClock:
    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


def future(days: float = 30) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()


def product_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "变电站智能巡检机器人",
        "description": "面向 220kV 变电站的轮式巡检机器人，红外测温与表计识别",
        "category": "product",
        "domains": ["manufacturing", "ai"],
        "keywords": ["巡检机器人", "红外测温"],
        "parameters": [{"name": "防护等级", "value": "IP66"}, {"name": "续航", "value": "8 小时"}],
        "certifications": ["CNAS 检测报告 2025-0042"],
        "price_band": [300000, 900000],
        "district": "海淀区",
        "first_of_kind": True,
        "demonstration_evidence": "2025 年在国网北京某 220kV 变电站示范应用 6 个月",
        **overrides,
    }


def need_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "变电站巡检机器人采购",
        "description": "所属 12 座变电站的智能巡检改造",
        "domains": ["manufacturing"],
        "keywords": ["巡检机器人"],
        "parameters": [{"name": "防护等级", "value": "不低于 IP65"}],
        "budget_cny": [500000, 2000000],
        "theme": "能源装备专题",
        "deadline": future(45),
        **overrides,
    }


def launch_body(product_ids: list[str], **overrides: Any) -> dict[str, Any]:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=10)
    return {
        "title": "智能制造新产品首发会",
        "format": "release",
        "domain": "manufacturing",
        "venue": "中关村展示中心",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
        "capacity": 10,
        "product_ids": product_ids,
        **overrides,
    }


@dataclass
class CL:
    """A running catalogue app with helpers for acting as any caller."""

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
        return await self.client.request(method, path, json=body, headers=headers, **kw)

    async def ok(self, caller: Caller, method: str, path: str, body: Any = None) -> Any:
        response = await self.call(caller, method, path, body)
        assert response.status_code in (200, 201), response.text
        return response.json()

    async def approved(self, owner: Caller, **overrides: Any) -> dict[str, Any]:
        app = await self.ok(owner, "POST", "/applications", product_body(**overrides))
        await self.ok(owner, "POST", f"/applications/{app['id']}/submit")
        body = {"decision": "approve"}
        return await self.ok(self.operator, "POST", f"/applications/{app['id']}/review", body)

    async def edition(self, *application_ids: str, code: str | None = None) -> dict[str, Any]:
        code = code or f"E-{uuid.uuid4().hex[:10]}"
        await self.ok(self.operator, "POST", "/editions", {"code": code, "title": f"批次 {code}"})
        for app_id in application_ids:
            body = {"application_id": app_id}
            await self.ok(self.operator, "POST", f"/editions/{code}/entries", body)
        await self.ok(self.operator, "POST", f"/editions/{code}/freeze")
        return await self.ok(self.operator, "POST", f"/editions/{code}/publish")

    async def listed(self, owner: Caller, **overrides: Any) -> str:
        """A product of ``owner`` listed through apply -> review -> edition."""
        app = await self.approved(owner, **overrides)
        await self.edition(app["id"])
        return app["product_id"]

    async def sweep(self) -> dict[str, int]:
        return await sweep_once(self.deps)

    def topic(self, name: str) -> str:
        return f"{self.settings.topic_prefix}catalogue.{name}"


def decode(message: Any) -> dict[str, Any]:
    body = json.loads(message.value) if message.value else {}
    if isinstance(body, dict) and "type" in body:
        return body
    headers = {k: v.decode() for k, v in (message.headers or ())}
    return {"id": headers.get("ce_id"), "type": headers.get("ce_type"),
            "subject": headers.get("ce_subject"), "data": body}  # fmt: skip


async def wait_for_events(
    cl: CL, topics: list[str], predicate: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 20.0,
) -> list[dict[str, Any]]:  # fmt: skip
    """Consume ``topics`` from the start until ``predicate`` holds (distinct envelopes)."""
    consumer = AIOKafkaConsumer(
        *[cl.topic(t) for t in topics], bootstrap_servers=cl.settings.kafka_bootstrap,
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


@pytest.fixture(scope="module")
async def cl() -> AsyncIterator[CL]:
    suffix = uuid.uuid4().hex[:10]
    settings = Settings(db_prefix=f"test_{suffix}", topic_prefix=f"test_{suffix}.",
                        group_prefix=f"test_{suffix}")  # fmt: skip
    clock = ShiftableClock()
    mint = TokenMint()
    own = CatalogueSettings(sweep_seconds=3600)
    app = create_app(settings, own, clock=clock, verifier=mint.verifier(), sweeper=False)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://catalogue") as client:
            yield CL(client, app, clock, settings, mint, make_caller(OrgType.operator))
    mongo: AsyncMongoClient = AsyncMongoClient(settings.mongo_url)
    await mongo.drop_database(database_name("catalogue", settings))
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
def _reset_clock(cl: CL) -> Any:
    """A test that moves "now" leaves it where it found it."""
    yield
    cl.clock.offset = dt.timedelta()
