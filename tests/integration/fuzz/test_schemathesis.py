"""Schemathesis against every API service's OpenAPI document, in process (ASGI) on the
real engines, signed in with a token of each organisation type: 0 server errors (issue 17).

Each service runs with its own unique prefixes (database, topics), without background
consumers or sweepers; schemathesis starts the app's lifespan in its own event loop.
Examples are few per operation and the organisation type rotates from call to call, so
the whole module stays within a few minutes on two shared cores. Matching's start loads
its sentence encoder once (seconds). The databases, indices and topics on the fuzz
prefixes are deleted after.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from opensearchpy import OpenSearch
from pymongo import MongoClient

from shared.auth import OrgType, Role
from shared.settings import Settings
from tests.support.auth import TokenMint, bearer, make_caller
from tests.support.service_apps import SERVICES, service_app
from tests.support.topics import drop_topics_under

pytestmark = [pytest.mark.integration, pytest.mark.slow]
MINT = TokenMint()
RUN = uuid.uuid4().hex[:8]


def _app(service: str) -> Any:
    """The service's app on throw-away prefixes, trusting the test mint's tokens."""
    return service_app(service, f"fz{RUN}{service[:4]}", MINT)


TOKENS = itertools.cycle(
    [MINT.token(make_caller(t, role=Role.admin)) for t in OrgType]
    + [MINT.token(make_caller(OrgType.enterprise, role=Role.member))]
)
FUZZ = settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _schema(service: str) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", _app(service))


@pytest.fixture(scope="module", autouse=True)
def _drop_databases() -> Any:
    yield
    mongo: MongoClient = MongoClient(Settings().mongo_url)
    for name in mongo.list_database_names():
        if name.startswith(f"fz{RUN}"):
            mongo.drop_database(name)
    mongo.close()
    search = OpenSearch(Settings().opensearch_url, timeout=30)
    search.indices.delete(index=f"fz{RUN}*", ignore_unavailable=True)
    search.close()
    asyncio.run(drop_topics_under(Settings(), f"fz{RUN}"))  # the apps created theirs at start


def _check(case: Any) -> None:
    response = case.call(headers=bearer(next(TOKENS)))
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    )


def _make(service: str) -> Any:
    schema = _schema(service)

    @schema.parametrize()
    @FUZZ
    def test(case: Any) -> None:
        _check(case)

    return test


# Known server errors found by this module, left to their owners (see notes/issue17.md).
KNOWN: dict[str, str] = {}  # (roadshows' year-0 month, found here, is fixed: 1900-2199)
for _service in SERVICES:
    _test = _make(_service)
    if _service in KNOWN:
        _test = pytest.mark.xfail(reason=KNOWN[_service], strict=False)(_test)
    globals()[f"test_{_service}_has_no_server_errors"] = _test
