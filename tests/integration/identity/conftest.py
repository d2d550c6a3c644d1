"""Identity against the real FerretDB: one app per module on a throw-away database.

The clock is shared with the app so tests can move "today" (tokens are always issued
before the clock moves, because verification uses real time).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from services.identity.cli import CLI_CALLER
from services.identity.main import TOPICS, create_app, database_name
from services.identity.settings import IdentitySettings
from services.identity.usecases import Deps
from services.identity.usecases import organisations as org_uc
from shared.broker import delete_topics
from shared.events import topic_name
from shared.settings import Settings

PASSWORD = "Test-Passw0rd-ok"


class ShiftableClock:
    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


@dataclass
class Identity:
    """A running identity app with helpers for signing in and registering."""

    client: httpx.AsyncClient
    app: Any
    clock: ShiftableClock
    settings: Settings
    responses: list[httpx.Response] = field(default_factory=list)

    @property
    def deps(self) -> Deps:
        return self.app.state.deps

    async def token(self, email: str, password: str = PASSWORD) -> str:
        response = await self.client.post(
            "/auth/token", json={"email": email, "password": password}
        )
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    async def bootstrap_operator(self) -> tuple[str, str]:
        """An operator org + admin created the way the CLI does; returns (org id, token)."""
        email = f"op-{uuid.uuid4().hex[:8]}@test.duijie.local"
        admin = org_uc.NewUser(name="运营管理员", email=email, password=PASSWORD)
        from services.identity.domain.organisations import OperatorProfile

        org, _ = await org_uc.register_organisation(
            self.deps, CLI_CALLER, OperatorProfile(name="测试运营方"), admin
        )
        return org.id, await self.token(email)

    async def register(self, token: str, organisation: dict[str, Any]) -> tuple[str, str]:
        """Register via the API; returns (org id, admin e-mail)."""
        email = f"admin-{uuid.uuid4().hex[:10]}@test.duijie.local"
        response = await self.client.post(
            "/organisations",
            json={
                "organisation": organisation,
                "admin": {"name": "管理员", "email": email, "password": PASSWORD},
            },
            headers=bearer(token),
        )
        assert response.status_code == 201, response.text
        return response.json()["organisation"]["id"], email


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
async def identity() -> AsyncIterator[Identity]:
    suffix = uuid.uuid4().hex[:10]
    settings = Settings(db_prefix=f"test_{suffix}", topic_prefix=f"test_{suffix}.")
    identity_settings = IdentitySettings(tier_sweep_seconds=3600)
    clock = ShiftableClock()
    app = create_app(settings, identity_settings, clock=clock)
    responses: list[httpx.Response] = []

    async def keep(response: httpx.Response) -> None:
        await response.aread()
        responses.append(response)

    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://identity", event_hooks={"response": [keep]}
        ) as client:
            yield Identity(client, app, clock, settings, responses)
    mongo: AsyncMongoClient = AsyncMongoClient(settings.mongo_url)
    await mongo.drop_database(database_name(settings, identity_settings))
    await mongo.close()
    await delete_topics([topic_name(t, settings) for t in TOPICS], settings)
