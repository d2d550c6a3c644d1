"""Catalogue against the real FerretDB and Kafka: one app per module on a throw-away
database and topic prefix, tokens from a test signing key, a clock the tests can move
(listing expiry, event start). The periodic sweeper is off; tests call ``sweep_once``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from services.catalogue.main import create_app
from services.catalogue.settings import CatalogueSettings
from services.catalogue.usecases import Deps
from services.catalogue.usecases.sweep import sweep_once
from shared.auth import Caller, OrgType
from tests.support.auth import TokenMint, make_caller
from tests.support.market import (
    MarketApp,
    ShiftableClock,
    of_type,
    running,
    unique_settings,
    wait_for_events,
)

__all__ = ["of_type", "wait_for_events"]  # the tests import them from here


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
class CL(MarketApp):
    """A running catalogue app with helpers for acting as any caller."""

    topic_service = "catalogue."

    @property
    def deps(self) -> Deps:
        return self.app.state.deps

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


@pytest.fixture(scope="module")
async def cl() -> AsyncIterator[CL]:
    settings, clock, mint = unique_settings(), ShiftableClock(), TokenMint()
    own = CatalogueSettings(sweep_seconds=3600)
    app = create_app(settings, own, clock=clock, verifier=mint.verifier(), sweeper=False)
    async with running("catalogue", settings, app) as client:
        yield CL(client, app, clock, settings, mint, make_caller(OrgType.operator))


@pytest.fixture(autouse=True)
def _reset_clock(cl: CL) -> Any:
    """A test that moves "now" leaves it where it found it."""
    yield
    cl.clock.offset = dt.timedelta()
