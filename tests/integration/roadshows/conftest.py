"""Roadshows against the real FerretDB and Kafka: one app per module on a throw-away
database and topic prefix, tokens from a test signing key, and a clock the tests can
move (cut-offs, the end of a roadshow). The sweeper is off; tests call what they need.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from services.roadshows.main import create_app
from services.roadshows.settings import RoadshowsSettings
from services.roadshows.usecases import Deps
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

PDF = b"%PDF-1.4\n% test deck\n" + b"0" * 200


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
class RS(MarketApp):
    """A running roadshows app with helpers for acting as any caller."""

    ok_statuses = (200, 201, 202)

    @property
    def deps(self) -> Deps:
        return self.app.state.deps

    async def roadshow(self, hours: float = 48, **overrides: Any) -> dict[str, Any]:
        return await self.ok(self.operator, "POST", "/roadshows", roadshow_body(hours, **overrides))

    async def pitch(self, owner: Caller, **overrides: Any) -> dict[str, Any]:
        return await self.ok(owner, "POST", "/pitches", pitch_body(**overrides))


@pytest.fixture(scope="module")
async def rs() -> AsyncIterator[RS]:
    settings, clock, mint = unique_settings(), ShiftableClock(), TokenMint()
    own = RoadshowsSettings(sweep_seconds=3600, deck_max_bytes=50_000)
    app = create_app(settings, own, clock=clock, verifier=mint.verifier(), sweeper=False)
    async with running("roadshows", settings, app) as client:
        yield RS(client, app, clock, settings, mint, make_caller(OrgType.operator))


@pytest.fixture(autouse=True)
def _reset_clock(rs: RS) -> Any:
    """A test that moves "now" leaves it where it found it."""
    yield
    rs.clock.offset = dt.timedelta()


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
