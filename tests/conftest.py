"""Engine-availability fixtures every test tier can use.

- ``unique_settings``: Settings with a random topic/group/db/index prefix, so tests of
  several engineers can share the engines on this machine without collisions.
- ``kafka_available`` / ``mongo_available`` / ``search_available``: skip (with the
  reason) when an engine is not reachable, instead of failing on a connection error.
- ``fresh_db``: a database of its own, dropped afterwards.
- ``search_client``: an AsyncOpenSearch client; indices under the test's prefix are
  deleted afterwards.
- ``clean_topics``: deletes every topic under the test's prefix afterwards.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from shared.settings import Settings


def _reachable(address: str) -> bool:
    host, _, port = address.split(",")[0].rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def unique_settings() -> Settings:
    run = uuid.uuid4().hex[:10]
    return Settings(
        topic_prefix=f"t-{run}.",
        group_prefix=f"t-{run}",
        db_prefix=f"t_{run}",
        index_prefix=f"t-{run}",
    )


@pytest.fixture
def kafka_available(unique_settings: Settings) -> None:
    if not _reachable(unique_settings.kafka_bootstrap):
        pytest.skip(f"Kafka not reachable at {unique_settings.kafka_bootstrap}")


@pytest.fixture
def mongo_available(unique_settings: Settings) -> None:
    address = unique_settings.mongo_url.split("://", 1)[1].split("/", 1)[0]
    if not _reachable(address):
        pytest.skip(f"MongoDB-wire server not reachable at {address}")


@pytest.fixture
def search_available(unique_settings: Settings) -> None:
    address = unique_settings.opensearch_url.split("://", 1)[1].rstrip("/")
    if not _reachable(address):
        pytest.skip(f"OpenSearch not reachable at {address}")


@pytest.fixture
async def fresh_db(unique_settings: Settings, mongo_available: None) -> AsyncIterator[Any]:
    from shared.db import create_mongo_client

    client = create_mongo_client(unique_settings)
    name = f"{unique_settings.db_prefix}_{uuid.uuid4().hex[:6]}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()


@pytest.fixture
async def search_client(unique_settings: Settings, search_available: None) -> AsyncIterator[Any]:
    from shared.search import create_search_client

    client = create_search_client(unique_settings)
    try:
        yield client
    finally:
        await client.indices.delete(
            index=f"{unique_settings.index_prefix}-*", ignore_unavailable=True
        )
        await client.close()


@pytest.fixture
async def clean_topics(unique_settings: Settings, kafka_available: None) -> AsyncIterator[None]:
    yield
    from tests.support.topics import drop_topics_under

    await drop_topics_under(unique_settings)
