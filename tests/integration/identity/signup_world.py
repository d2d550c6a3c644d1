"""The world the sign-up tests run in: identity (with an SMTP sink on a free port and a
tight sign-up throttle) and techtransfer trusting identity's real JWKS, on throw-away
databases and topic prefixes of the real engines.

Each call can come from its own client address, so the per-IP throttle is met only where
a test means to meet it. The SMTP sink and the waits with a deadline are ``tests/support``'s.
"""

from __future__ import annotations

import contextlib
import random
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from services.identity.cli import CLI_CALLER
from services.identity.domain.credit_code import ALPHABET, check_character
from services.identity.domain.organisations import OperatorProfile
from services.identity.main import create_app as create_identity
from services.identity.main import database_name as identity_db
from services.identity.settings import IdentitySettings
from services.identity.usecases import organisations as org_uc
from services.techtransfer.main import create_app as create_techtransfer
from services.techtransfer.main import database_name as techtransfer_db
from services.techtransfer.settings import TechtransferSettings
from shared.auth import JWKSCache, TokenVerifier
from shared.settings import Settings
from tests.integration.identity.conftest import PASSWORD, ShiftableClock
from tests.support.mail import mails, smtp_sink
from tests.support.market import eventually
from tests.support.topics import drop_topics_under

IP_LIMIT, EMAIL_LIMIT = 3, 2


def credit_code() -> str:
    first17 = "91110108" + "".join(random.choices(ALPHABET, k=9))
    return first17 + check_character(first17)


def new_email() -> str:
    return f"signup-{uuid.uuid4().hex[:10]}@test.duijie.local"


def enterprise(**overrides: Any) -> dict[str, Any]:
    return {
        "type": "enterprise", "name": f"自助注册企业{uuid.uuid4().hex[:6]}",
        "credit_code": credit_code(), "district": "haidian", "founding_date": "2024-06-01",
        "domains": ["ai"], **overrides,
    }  # fmt: skip


@dataclass
class World:
    identity_app: Any
    techtransfer_app: Any
    clock: ShiftableClock
    mail_folder: Path
    settings: Settings

    def client(self, service: str = "identity", ip: str | None = None) -> httpx.AsyncClient:
        """A client from its own address (a fresh one unless ``ip`` is given)."""
        ip = ip or "10." + ".".join(str(random.randrange(256)) for _ in range(3))
        app = self.identity_app if service == "identity" else self.techtransfer_app
        transport = httpx.ASGITransport(app=app, client=(ip, 40000))
        return httpx.AsyncClient(transport=transport, base_url=f"http://{service}")

    async def call(self, method: str, path: str, service: str = "identity", **kw: Any):
        async with self.client(service, kw.pop("ip", None)) as client:
            return await client.request(method, path, **kw)

    async def sign_up(
        self, organisation: dict | None = None, ip: str | None = None, **admin: Any
    ) -> httpx.Response:
        body = {
            "organisation": organisation or enterprise(),
            "admin": {"name": "李娜", "email": new_email(), "password": PASSWORD} | admin,
        }
        return await self.call("POST", "/sign-up", json=body, ip=ip)

    def mails_to(self, address: str) -> list[EmailMessage]:
        return mails(self.mail_folder, to=address)

    async def link_token(self, address: str, *, besides: tuple[str, ...] = ()) -> str:
        """The token of a mail to ``address`` other than ``besides``, once one has arrived
        (the sink names files by the second, so their order says nothing)."""

        async def arrived() -> list[str]:
            found = (re.search(r"token=(\S+)", m.get_content()) for m in self.mails_to(address))
            return [t for t in (unquote(f.group(1)) for f in found if f) if t not in besides]

        return (await eventually(arrived))[0]

    async def token(self, email_address: str, password: str = PASSWORD) -> httpx.Response:
        return await self.call(
            "POST", "/auth/token", json={"email": email_address, "password": password}
        )

    async def operator_token(self) -> str:
        address = f"op-{uuid.uuid4().hex[:8]}@test.duijie.local"
        admin = org_uc.NewUser(name="运营审核员", email=address, password=PASSWORD)
        deps = self.identity_app.state.deps
        await org_uc.register_organisation(deps, CLI_CALLER, OperatorProfile(name="运营方"), admin)
        return (await self.token(address)).json()["access_token"]


@contextlib.asynccontextmanager
async def running_world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    suffix = uuid.uuid4().hex[:10]
    settings = Settings(
        db_prefix=f"test_{suffix}", topic_prefix=f"test_{suffix}.", group_prefix=f"test_{suffix}"
    )
    folder = tmp_path_factory.mktemp("signup-mail")
    with smtp_sink(folder) as smtp_port:
        identity_settings = IdentitySettings(
            tier_sweep_seconds=3600, smtp_port=smtp_port, portal_url="http://portal.test",
            signup_ip_max_attempts=IP_LIMIT, signup_email_max_attempts=EMAIL_LIMIT,
        )  # fmt: skip
        clock = ShiftableClock()
        identity = create_identity(settings, identity_settings, clock=clock)
        # techtransfer trusts identity's published keys, fetched over (in-process) HTTP
        transport = httpx.ASGITransport(app=identity)

        async def jwks() -> dict[str, Any]:
            async with httpx.AsyncClient(transport=transport, base_url="http://identity") as c:
                return (await c.get("/.well-known/jwks.json")).json()

        verifier = TokenVerifier(JWKSCache(jwks, min_refresh_interval=0.0))
        tts = TechtransferSettings(sweep_seconds=3600)
        techtransfer = create_techtransfer(settings, tts, verifier=verifier, sweeper=False)
        try:
            async with LifespanManager(identity), LifespanManager(techtransfer):
                yield World(identity, techtransfer, clock, folder, settings)
        finally:
            mongo: AsyncMongoClient = AsyncMongoClient(settings.mongo_url)
            await mongo.drop_database(identity_db(settings, identity_settings))
            await mongo.drop_database(techtransfer_db(settings, tts))
            await mongo.close()
            await drop_topics_under(settings)
