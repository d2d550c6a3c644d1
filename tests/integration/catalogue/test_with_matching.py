"""Catalogue and matching together on the real engines: a listed product and an SOE's
procurement need meet in matching (from catalogue's events on Kafka) whichever comes
first, and delisting takes the product out of search and out of the need's matches
within seconds. Nothing unlisted is ever projected."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from services.catalogue.main import create_app as create_catalogue
from services.catalogue.settings import CatalogueSettings
from services.matching.main import create_app as create_matching
from services.matching.storage.search import SearchProjection
from shared.auth import Caller, OrgType
from shared.broker import delete_topics
from shared.db import create_mongo_client, database_name
from shared.search import create_search_client
from shared.settings import Settings
from tests.integration.catalogue.conftest import need_body, product_body
from tests.support.auth import TokenMint, bearer, make_caller

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def wait_for(check: Callable[[], Awaitable[Any]], what: str, deadline: float = 45.0) -> Any:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if found := await check():
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _asgi(app: Any) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=app)


@pytest.fixture
async def both() -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient, TokenMint]]:
    run = uuid.uuid4().hex[:10]
    settings = Settings(index_prefix=f"t-{run}", db_prefix=f"t_{run}", topic_prefix=f"t-{run}.",
                        group_prefix=f"t-{run}")  # fmt: skip
    mint = TokenMint()
    catalogue = create_catalogue(settings, CatalogueSettings(sweep_seconds=3600),
                                 verifier=mint.verifier(), sweeper=False)  # fmt: skip
    matching = create_matching(settings, verifier=mint.verifier())
    try:
        async with (
            LifespanManager(catalogue, startup_timeout=60),
            LifespanManager(matching, startup_timeout=60, shutdown_timeout=30),
            httpx.AsyncClient(transport=_asgi(catalogue), base_url="http://c") as c,
            httpx.AsyncClient(transport=_asgi(matching), base_url="http://m") as m,
        ):  # fmt: skip
            yield c, m, mint
    finally:
        search = create_search_client(settings)
        await SearchProjection(search, settings.index_prefix).drop_all()
        await search.close()
        mongo = create_mongo_client(settings)
        for service in ("catalogue", "matching"):
            await mongo.drop_database(database_name(service, settings))
        await mongo.close()
        topics = [f"{settings.topic_prefix}{t}" for t in ("catalogue.product",)]
        await delete_topics(topics, settings)


async def test_listed_products_meet_needs_and_delisting_removes_them(both) -> None:
    c, m, mint = both

    async def ok(caller: Caller, method: str, path: str, body: Any = None) -> Any:
        r = await c.request(method, path, json=body, headers=bearer(mint.token(caller)))
        assert r.status_code in (200, 201), r.text
        return r.json()

    ent, soe, op = (
        make_caller(OrgType.enterprise),
        make_caller(OrgType.soe),
        make_caller(OrgType.operator),
    )
    app = await ok(ent, "POST", "/applications", product_body())
    await ok(ent, "POST", f"/applications/{app['id']}/submit")
    draft = await ok(ent, "POST", "/applications", product_body(title="未获批的巡检机器人"))
    await ok(op, "POST", f"/applications/{app['id']}/review", {"decision": "approve"})
    await ok(op, "POST", "/editions", {"code": "m-1", "title": "批次"})
    await ok(op, "POST", "/editions/m-1/entries", {"application_id": app["id"]})
    await ok(op, "POST", "/editions/m-1/freeze")
    await ok(op, "POST", "/editions/m-1/publish")
    need = await ok(soe, "POST", "/needs", need_body())
    pid = app["product_id"]

    async def searched() -> list[str]:
        r = await m.get("/search/product", headers=bearer(mint.token(soe)))
        return (
            [i["record"]["id"] for i in r.json().get("items", [])] if r.status_code == 200 else []
        )

    async def matched() -> list[str]:
        r = await m.get("/matches", headers=bearer(mint.token(soe)))
        items = r.json().get("items", []) if r.status_code == 200 else []
        return [x["supply_id"] for x in items if x["demand_id"] == need["id"]]

    assert await wait_for(searched, "the listed product in search") == [pid]
    assert await wait_for(matched, "the need matched with the product") == [pid]
    assert draft["product_id"] not in await searched()  # never listed, never projected

    started = time.monotonic()
    await ok(op, "POST", f"/products/{pid}/delist", {"reason": "资质过期"})
    await wait_for(lambda: _empty(searched), "the delisted product out of search")
    await wait_for(lambda: _empty(matched), "the delisted product out of the need's matches")
    took = time.monotonic() - started
    print(f"\ndelisted -> gone from search and matches: {took:.1f} s")
    assert took < 20

    # The other way round: a product listed after the need is paired with it too.
    later = await ok(ent, "POST", "/applications", product_body(title="挂轨式巡检机器人"))
    await ok(ent, "POST", f"/applications/{later['id']}/submit")
    await ok(op, "POST", f"/applications/{later['id']}/review", {"decision": "approve"})
    await ok(op, "POST", "/editions", {"code": "m-2", "title": "批次二"})
    await ok(op, "POST", "/editions/m-2/entries", {"application_id": later["id"]})
    await ok(op, "POST", "/editions/m-2/freeze")
    await ok(op, "POST", "/editions/m-2/publish")
    assert await wait_for(matched, "the later product paired with the need") == [
        later["product_id"]
    ]


async def _empty(read: Callable[[], Awaitable[list[str]]]) -> bool:
    return not await read()
