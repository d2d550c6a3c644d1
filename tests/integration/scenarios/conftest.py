"""Scenarios against the real FerretDB and Kafka: one app per module on a throw-away
database and topic prefix, tokens from a test signing key, and a clock the tests can
move past a deadline.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from services.scenarios.main import create_app
from services.scenarios.settings import ScenariosSettings
from services.scenarios.usecases import Deps
from shared.auth import Caller, OrgType
from tests.support.auth import TokenMint, make_caller
from tests.support.market import (
    MarketApp,
    ShiftableClock,
    eventually,
    of_type,
    publish,
    running,
    unique_settings,
    wait_for_events,
)

__all__ = ["eventually", "of_type", "publish", "wait_for_events"]  # the tests import them from here

CRITERIA = [
    {"code": "tech", "name": "技术方案", "weight": 40, "scale": 10},
    {"code": "team", "name": "团队能力", "weight": 20, "scale": 10},
    {"code": "price", "name": "报价合理性", "weight": 20, "scale": 10},
    {"code": "cases", "name": "应用案例", "weight": 20, "scale": 10},
]
BATCHES = itertools.count()


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
class SC(MarketApp):
    """A running scenarios app with helpers for acting as any caller."""

    ok_statuses = (200, 201, 202)

    @property
    def deps(self) -> Deps:
        return self.app.state.deps

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


def publisher() -> Caller:
    return make_caller(OrgType.government)


def expert(org_type: OrgType = OrgType.university) -> Caller:
    return make_caller(org_type)


@pytest.fixture(scope="module")
async def sc() -> AsyncIterator[SC]:
    settings, clock, mint = unique_settings(), ShiftableClock(), TokenMint()
    app = create_app(settings, ScenariosSettings(), clock=clock, verifier=mint.verifier())
    async with running("scenarios", settings, app) as client:
        yield SC(client, app, clock, settings, mint, make_caller(OrgType.operator))


@pytest.fixture(autouse=True)
def _reset_clock(sc: SC) -> Any:
    """A test that moves "now" leaves it where it found it."""
    yield
    sc.clock.offset = dt.timedelta()
