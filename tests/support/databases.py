"""A per-test database prefix for code that reads its settings from the environment
(service CLIs), with the settings caches reset and the database dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from pymongo import MongoClient

from shared.settings import get_settings


@contextmanager
def isolated_database(
    monkeypatch: pytest.MonkeyPatch, service: str, *caches: Callable[..., Any]
) -> Iterator[str]:
    """Point ``DUIJIE_DB_PREFIX`` at a fresh prefix; yields it; drops ``<prefix>_<service>``."""
    prefix = f"test_cli_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("DUIJIE_DB_PREFIX", prefix)
    cached = (get_settings, *caches)
    for cache in cached:
        cache.cache_clear()  # type: ignore[attr-defined]
    try:
        yield prefix
    finally:
        for cache in cached:
            cache.cache_clear()  # type: ignore[attr-defined]
        with MongoClient(get_settings().mongo_url) as client:
            client.drop_database(f"{prefix}_{service}")
