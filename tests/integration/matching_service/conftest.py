"""Real engines, unique names: each test gets its own index prefix and database,
dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from asgi_lifespan import LifespanManager
from opensearchpy import AsyncOpenSearch
from pymongo import AsyncMongoClient

from services.matching.main import create_app
from services.matching.settings import MatchingSettings
from services.matching.storage import Repositories
from services.matching.storage.search import SearchProjection
from services.matching.usecases import Deps
from shared.db import create_mongo_client, database_name
from shared.search import create_search_client
from shared.settings import Settings
from tests.support.auth import TokenMint
from tests.support.topics import drop_topics_under

MINT = TokenMint()  # the whole-service tests' token signer


@pytest.fixture
def settings() -> Settings:
    run = uuid.uuid4().hex[:10]
    return Settings(
        index_prefix=f"t-{run}",
        db_prefix=f"t_{run}",
        topic_prefix=f"t-{run}.",
        group_prefix=f"t-{run}",
    )


@pytest.fixture(autouse=True)
async def _drop_topics(settings: Settings) -> AsyncIterator[None]:
    """Topics a test created under its own prefix are deleted afterwards."""
    yield
    await drop_topics_under(settings)


@pytest.fixture
async def deps(settings: Settings) -> AsyncIterator[Deps]:
    client = AsyncOpenSearch(hosts=[settings.opensearch_url])
    mongo: AsyncMongoClient = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    db_name = f"{settings.db_prefix}_matching"
    search = SearchProjection(client, settings.index_prefix)
    repos = Repositories.over(mongo[db_name])
    try:
        await search.ensure_indexes()
        await repos.ensure_indexes()
        yield Deps(repos=repos, search=search, settings=MatchingSettings())
    finally:
        await search.drop_all()
        await mongo.drop_database(db_name)
        await mongo.close()
        await client.close()


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator:
    """The whole service on the test's prefixes, its indexes and database dropped after."""
    application = create_app(settings, verifier=MINT.verifier())
    try:
        async with LifespanManager(application, startup_timeout=60, shutdown_timeout=30):
            yield application
    finally:  # the app closed its clients: clean up with fresh ones
        search = create_search_client(settings)
        await SearchProjection(search, settings.index_prefix).drop_all()
        await search.close()
        mongo = create_mongo_client(settings)
        await mongo.drop_database(database_name("matching", settings))
        await mongo.close()
