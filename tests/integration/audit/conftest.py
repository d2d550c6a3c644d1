"""The black-box audit's apps: every API service in process (ASGI) on the real engines,
each on its own throw-away prefixes, without background consumers or sweepers, trusting
one test signing key. Started once for the module that asks for them; afterwards their
databases, topics and indices are dropped."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from opensearchpy import AsyncOpenSearch
from pymongo import AsyncMongoClient

from shared.auth import Caller, install_verifier
from shared.settings import Settings
from tests.support.auth import TokenMint, bearer
from tests.support.service_apps import SERVICES, service_app
from tests.support.topics import drop_topics_under

__all__ = ["SERVICES"]  # the audit modules import it from here

MINT = TokenMint()
RUN = uuid.uuid4().hex[:8]


def build_app(service: str) -> Any:
    """The service's app on throw-away prefixes (as tests/integration/fuzz builds it)."""
    return service_app(service, f"au{RUN}{service[:4]}", MINT)


class Service:
    """One running app and a client on it that signs requests as any caller."""

    def __init__(self, name: str, app: Any, client: httpx.AsyncClient) -> None:
        self.name, self.app, self.client = name, app, client

    async def call(
        self, caller: Caller | None, method: str, path: str, body: Any = None, **kw: Any
    ) -> httpx.Response:
        headers = {**(bearer(MINT.token(caller)) if caller else {}), **kw.pop("headers", {})}
        if body is not None:
            kw["json"] = body
        return await self.client.request(method, path, headers=headers, **kw)

    async def ok(self, caller: Caller, method: str, path: str, body: Any = None) -> Any:
        response = await self.call(caller, method, path, body)
        assert response.status_code in (200, 201, 202), (path, response.text[:800])
        return response.json()


@pytest.fixture(scope="package")
async def services() -> AsyncIterator[dict[str, Service]]:
    running: dict[str, Service] = {}
    try:
        async with AsyncExitStack() as stack:
            for name in SERVICES:
                app = build_app(name)
                await stack.enter_async_context(LifespanManager(app, startup_timeout=120))
                # again after start-up: a service whose start installs its own verifier
                # (identity trusts its key store) would refuse every test token
                install_verifier(app, MINT.verifier())
                transport = httpx.ASGITransport(app=app)
                client = httpx.AsyncClient(transport=transport, base_url=f"http://{name}",
                                           timeout=30)  # fmt: skip
                await stack.enter_async_context(client)
                running[name] = Service(name, app, client)
            yield running
    finally:
        await _drop()


async def _drop() -> None:
    settings = Settings()
    mongo: AsyncMongoClient = AsyncMongoClient(settings.mongo_url)
    for name in await mongo.list_database_names():
        if name.startswith(f"au{RUN}"):
            await mongo.drop_database(name)
    await mongo.close()
    search = AsyncOpenSearch(settings.opensearch_url, timeout=30)
    await search.indices.delete(index=f"au{RUN}*", ignore_unavailable=True)
    await search.close()
    await drop_topics_under(settings, f"au{RUN}")
