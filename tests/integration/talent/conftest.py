"""Talent against the real FerretDB and Kafka: one app per module on a throw-away database
and topic prefix, tokens from a test signing key, a clock the tests can move (claim
expiry, guarantee periods). The periodic sweeper is off; tests call ``sweep_once``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from services.talent.main import create_app
from services.talent.settings import TalentSettings
from services.talent.usecases import Deps
from services.talent.usecases.sweep import sweep_once
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

PDF = b"%PDF-1.4\n% test cv\n" + b"0" * 200


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
class TL(MarketApp):
    """A running talent app with helpers for acting as any caller."""

    talent: TalentSettings | None = None
    topic_service = "talent."

    @property
    def deps(self) -> Deps:
        return self.app.state.deps

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


@pytest.fixture(scope="module")
async def tl() -> AsyncIterator[TL]:
    settings, clock, mint = unique_settings(), ShiftableClock(), TokenMint()
    talent = TalentSettings(sweep_seconds=3600, agency_max_claims=3, cv_max_bytes=50_000)
    app = create_app(settings, talent, clock=clock, verifier=mint.verifier(), sweeper=False)
    async with running("talent", settings, app) as client:
        operator = make_caller(OrgType.operator)
        yield TL(client, app, clock, settings, mint, operator, talent=talent)


@pytest.fixture(autouse=True)
def _reset_clock(tl: TL) -> Any:
    """A test that moves "now" leaves it where it found it."""
    yield
    tl.clock.offset = dt.timedelta()
