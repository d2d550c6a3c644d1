"""Techtransfer against the real FerretDB and Kafka: one app per module on a throw-away
database and topic prefix, tokens from a test signing key (no identity process).

The clock is shared with the app so tests can move "now" (expiry, deadlines); tokens are
verified against real time, so they are minted fresh for each request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from services.techtransfer.main import create_app
from services.techtransfer.settings import TechtransferSettings
from services.techtransfer.usecases import Deps
from shared.auth import Caller, OrgType, Role
from tests.support.auth import TokenMint, bearer, make_caller
from tests.support.market import (
    MarketApp,
    ShiftableClock,
    of_type,
    running,
    unique_settings,
    wait_for_events,
)
from tests.support.techtransfer import NEED_FIELDS, OFFER_FIELDS

__all__ = ["of_type", "wait_for_events"]  # the tests import them from here


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
class TT(MarketApp):
    """A running techtransfer app with helpers for acting as any caller."""

    topic_service: ClassVar[str] = "techtransfer."

    @property
    def deps(self) -> Deps:
        return self.app.state.deps

    def caller(self, org_type: OrgType, role: Role = Role.admin, **kw: Any) -> Caller:
        return make_caller(org_type, role=role, **kw)

    def headers(self, caller: Caller) -> dict[str, str]:
        return bearer(self.mint.token(caller))

    async def offer(self, owner: Caller, publish: bool = True, **overrides: Any) -> dict:
        return await self.ok(owner, "POST", "/offers", offer_body(publish=publish, **overrides))

    async def need(self, owner: Caller, publish: bool = True, **overrides: Any) -> dict:
        return await self.ok(owner, "POST", "/needs", need_body(publish=publish, **overrides))


@pytest.fixture(scope="module")
async def tt() -> AsyncIterator[TT]:
    settings, clock, mint = unique_settings(), ShiftableClock(), TokenMint()
    tts = TechtransferSettings(sweep_seconds=3600)
    app = create_app(settings, tts, clock=clock, verifier=mint.verifier(), sweeper=False)
    async with running("techtransfer", settings, app) as client:
        yield TT(client, app, clock, settings, mint, make_caller(OrgType.operator))
