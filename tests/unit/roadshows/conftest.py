"""Builders for the roadshows domain tests (no I/O)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.roadshows.domain import calendar as cal
from services.roadshows.domain import records as rec

NOW = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 Beijing, 10 March 2025


def spec(hours: float = 48, **overrides: Any) -> cal.RoadshowIn:
    start = NOW + dt.timedelta(hours=hours)
    fields: dict[str, Any] = {
        "title": "人工智能专场路演", "domain": "ai", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=3), "venue": "中关村", "pitch_slots": 2,
        "investor_seats": 10, **overrides,
    }  # fmt: skip
    return cal.RoadshowIn(**fields)


def roadshow(hours: float = 48, **overrides: Any) -> cal.Roadshow:
    return cal.schedule("rs-1", "op-1", spec(hours, **overrides), NOW).entity


def pitch_in(**overrides: Any) -> rec.PitchIn:
    fields: dict[str, Any] = {
        "title": "工业大模型 A轮", "domains": ["ai"], "stage": "a", "ask_cny": 10_000_000,
        **overrides,
    }  # fmt: skip
    return rec.PitchIn(**fields)


def pitch(owner: str = "ent-1", tier: rec.Tier | None = None, **overrides: Any) -> rec.Pitch:
    return rec.publish_pitch("p-1", owner, pitch_in(**overrides), tier, NOW).entity


@pytest.fixture
def now() -> dt.datetime:
    return NOW
