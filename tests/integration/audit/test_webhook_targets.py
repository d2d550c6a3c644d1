"""A webhook endpoint is somewhere on the internet, not inside the platform (issue 17,
found by the audit): an organisation's admin could register http://127.0.0.1:9200/… and
have notifications POST signed events into the search engine, or the cloud metadata
address. Registering over HTTP refuses loopback, private, link-local and other
non-global addresses, however they are spelled."""

from __future__ import annotations

import pytest

from shared.auth import OrgType
from tests.integration.audit.conftest import Service
from tests.integration.audit.probes import caller_of, problem_fault

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9200/duijie/_doc", "http://localhost:8004/x", "http://api.localhost/x",
     "http://169.254.169.254/latest/meta-data", "http://10.0.0.5/hook", "http://[::1]/x",
     "http://2130706433/x", "http://0x7f.1/x", "http://0.0.0.0:9092/"],
)  # fmt: skip
async def test_an_internal_address_is_refused(services: dict[str, Service], url: str) -> None:
    admin = caller_of(OrgType.enterprise)
    path = f"/organisations/{admin.organisation_id}/webhooks"
    response = await services["notifications"].call(admin, "POST", path, {"url": url})
    assert problem_fault(response) is None, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["url"], response.text


async def test_a_public_address_is_registered(services: dict[str, Service]) -> None:
    admin = caller_of(OrgType.enterprise)
    path = f"/organisations/{admin.organisation_id}/webhooks"
    body = {"url": "https://hooks.example.cn/duijie"}
    created = await services["notifications"].ok(admin, "POST", path, body)
    assert created["endpoint"]["url"] == "https://hooks.example.cn/duijie"
