"""The push with the real matching service (in this process, real OpenSearch, FerretDB
and Kafka): an enterprise's capability and a scenario published in a batch meet in
matching, and matching's supply-side suggestion becomes the enterprise's push, once,
with matching's explanation."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from services.matching.main import create_app as create_matching
from services.scenarios.main import create_app as create_scenarios
from services.scenarios.settings import ScenariosSettings
from shared.auth import OrgType
from shared.search import create_search_client
from shared.settings import Settings
from tests.integration.scenarios.conftest import (
    capability_body,
    eventually,
    publisher,
    scenario_body,
)
from tests.support.auth import TokenMint, bearer, make_caller
from tests.support.topics import drop_topics_under

pytestmark = pytest.mark.integration


@pytest.fixture
async def both() -> AsyncIterator[tuple[httpx.AsyncClient, TokenMint]]:
    run = uuid.uuid4().hex[:10]
    settings = Settings(index_prefix=f"t-{run}", db_prefix=f"t_{run}",
                        topic_prefix=f"t-{run}.", group_prefix=f"t-{run}")  # fmt: skip
    mint = TokenMint()
    scenarios = create_scenarios(settings, ScenariosSettings(), verifier=mint.verifier())
    matching = create_matching(settings, verifier=mint.verifier())
    try:  # scenarios first: it creates the topics matching reads (and matching.match)
        async with LifespanManager(scenarios, startup_timeout=60), \
                LifespanManager(matching, startup_timeout=120):  # fmt: skip
            transport = httpx.ASGITransport(app=scenarios)
            async with httpx.AsyncClient(transport=transport, base_url="http://sc") as client:
                yield client, mint
    finally:
        mongo: AsyncMongoClient = AsyncMongoClient(settings.mongo_url)
        for service in ("scenarios", "matching"):
            await mongo.drop_database(f"{settings.db_prefix}_{service}")
        await mongo.close()
        search = create_search_client(settings)
        await search.indices.delete(index=f"{settings.index_prefix}-*",
                                    ignore_unavailable=True, expand_wildcards="all")  # fmt: skip
        await search.close()
        await drop_topics_under(settings)


async def test_a_published_scenario_is_pushed_to_the_capable_enterprise(both: Any) -> None:
    client, mint = both

    async def ok(caller: Any, method: str, path: str, body: Any = None) -> Any:
        r = await client.request(method, path, json=body, headers=bearer(mint.token(caller)))
        assert r.status_code in (200, 201), r.text
        return r.json()

    code = f"k{uuid.uuid4().hex[:6]}"
    keywords = ["影像AI", "辅助诊断", "远程阅片", code]
    ent = make_caller(OrgType.enterprise)
    cap = await ok(ent, "POST", "/capabilities", capability_body(keywords=keywords))
    gov = publisher()
    s = await ok(gov, "POST", "/scenarios", scenario_body(keywords=keywords))
    batch = {"year": 2031, "number": 1, "title": "测试批次", "scenario_ids": [s["id"]]}
    await ok(make_caller(OrgType.operator), "POST", "/batches", batch)

    async def pushed() -> list:
        return (await ok(ent, "GET", "/pushes"))["items"]

    (push,) = await eventually(pushed, timeout=60)
    assert push["scenario_id"] == s["id"] and push["capability_id"] == cap["id"]
    assert push["explanation"]  # matching's why travels with the push
