"""Talent against the real FerretDB and Kafka: one app per module on a throw-away database
and topic prefix, tokens from a test signing key, a clock the tests can move (claim
expiry, guarantee periods). The periodic sweeper is off; tests call ``sweep_once``.
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

from services.talent.main import create_app
from services.talent.settings import TalentSettings
from services.talent.usecases import Deps
from services.talent.usecases.sweep import sweep_once
from shared.auth import Caller, OrgType
from shared.db import database_name
from shared.settings import Settings
from tests.support.auth import TokenMint, bearer, make_caller

PDF = b"%PDF-1.4\n% test cv\n" + b"0" * 200


class ShiftableClock:
    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


def future(days: float = 30) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()


def demand_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "芯片验证工程师",
        "description": "负责 SoC 验证平台搭建与回归",
        "domains": ["ic"],
        "keywords": ["UVM", "SoC"],
        "seniority": "senior",
        "count": 1,
        "salary_band_cny": [400000, 700000],
        "district": "海淀区",
        "deadline": future(60),
        "claim_mode": "exclusive",
        **overrides,
    }


def agency_body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "北京英才猎头有限公司",
        "description": "专注集成电路与人工智能中高端人才",
        "specialisms": ["ic", "ai"],
        "seniority_range": ["senior", "executive"],
        "placements_last_year": 40,
        "district": "朝阳区",
        "qualifications": [{"kind": "hr_service_licence", "number": "HR-110105-001"}],
        **overrides,
    }


def candidate_body(n: int = 0, **overrides: Any) -> dict[str, Any]:
    return {
        "name": f"候选人{n:03d}",
        "phone": f"139{n:08d}",
        "email": f"cand{n}@example.cn",
        "summary": "十年验证经验",
        **overrides,
    }


@dataclass
class TL:
    """A running talent app with helpers for acting as any caller."""

    client: httpx.AsyncClient
    app: Any
    clock: ShiftableClock
    settings: Settings
    talent: TalentSettings
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

    def enterprise(self) -> Caller:
        return make_caller(OrgType.enterprise)

    async def agency(self, verified: bool = True, **overrides: Any) -> Caller:
        caller = make_caller(OrgType.headhunter)
        await self.ok(caller, "POST", "/agencies", agency_body(**overrides))
        if verified:
            await self.ok(self.operator, "POST", f"/agencies/{caller.organisation_id}/verify")
        return caller

    async def demand(self, owner: Caller, **overrides: Any) -> dict[str, Any]:
        return await self.ok(owner, "POST", "/demands", demand_body(**overrides))

    async def claim(self, agency: Caller, demand_id: str) -> dict[str, Any]:
        return await self.ok(agency, "POST", f"/demands/{demand_id}/claims")

    async def submit(self, agency: Caller, demand_id: str, n: int = 0, **kw: Any) -> dict:
        return await self.ok(
            agency, "POST", f"/demands/{demand_id}/candidates", candidate_body(n, **kw)
        )

    async def sweep(self) -> dict[str, int]:
        return await sweep_once(self.deps)

    def topic(self, name: str) -> str:
        return f"{self.settings.topic_prefix}talent.{name}"


def decode(message: Any) -> dict[str, Any]:
    body = json.loads(message.value) if message.value else {}
    if isinstance(body, dict) and "type" in body:
        return body
    headers = {k: v.decode() for k, v in (message.headers or ())}
    return {"id": headers.get("ce_id"), "type": headers.get("ce_type"),
            "subject": headers.get("ce_subject"), "data": body}  # fmt: skip


async def wait_for_events(
    tl: TL, topics: list[str], predicate: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 20.0,
) -> list[dict[str, Any]]:  # fmt: skip
    """Consume ``topics`` from the start until ``predicate`` holds (distinct envelopes)."""
    consumer = AIOKafkaConsumer(
        *[tl.topic(t) for t in topics], bootstrap_servers=tl.settings.kafka_bootstrap,
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
                            ids.add(str(event.get("id")))
                            seen.append(event)
    except TimeoutError:
        raise AssertionError(f"never matched; saw {[e.get('type') for e in seen]}") from None
    finally:
        await consumer.stop()
    return seen


def of_type(events: list[dict[str, Any]], type_: str, subject: str | None = None) -> list[dict]:
    return [e for e in events if e.get("type") == type_ and subject in (None, e.get("subject"))]


@pytest.fixture(scope="module")
async def tl() -> AsyncIterator[TL]:
    suffix = uuid.uuid4().hex[:10]
    settings = Settings(db_prefix=f"test_{suffix}", topic_prefix=f"test_{suffix}.",
                        group_prefix=f"test_{suffix}")  # fmt: skip
    talent = TalentSettings(sweep_seconds=3600, agency_max_claims=3, cv_max_bytes=50_000)
    clock = ShiftableClock()
    mint = TokenMint()
    app = create_app(settings, talent, clock=clock, verifier=mint.verifier(), sweeper=False)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://talent") as client:
            yield TL(client, app, clock, settings, talent, mint, make_caller(OrgType.operator))
    mongo: AsyncMongoClient = AsyncMongoClient(settings.mongo_url)
    await mongo.drop_database(database_name("talent", settings))
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
def _reset_clock(tl: TL) -> Any:
    """A test that moves "now" leaves it where it found it."""
    yield
    tl.clock.offset = dt.timedelta()
