"""Matching's saved searches and browse, as a user with hostile input (issue 17): the
query a saved search keeps is bounded and refuses control characters like every other
input, a TRL must be a number (not ``true``), and every list is a page."""

from __future__ import annotations

import pytest

from shared.auth import OrgType
from tests.integration.audit.conftest import Service
from tests.integration.audit.probes import caller_of, problem_fault

pytestmark = pytest.mark.integration
GOOD = {"kind": "tech_offer", "name": "我的搜索", "query": {"q": "电池"}}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GOOD, "name": "搜\x00索"}, "name"),
        ({**GOOD, "kind": "k" * 10_000}, "kind"),
        ({**GOOD, "query": {"q": "电\x07池"}}, "query.q"),
        ({**GOOD, "query": {"q": "电池", "filters": {"domains": ["ai"] * 10_000}}},
         "query.filters.domains"),
        ({**GOOD, "query": {"q": "电池", "filters": {"domains": ["a" * 5000]}}},
         "query.filters.domains.0"),
        ({**GOOD, "query": {"q": "电池", "trl_min": True}}, "query.trl_min"),
    ],
)  # fmt: skip
async def test_a_saved_search_is_bounded(
    services: dict[str, Service], body: dict, field: str
) -> None:
    matching = services["matching"]
    response = await matching.call(caller_of(OrgType.enterprise), "POST", "/saved-searches", body)
    assert problem_fault(response) is None, response.text
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]], response.text


@pytest.mark.parametrize(
    ("params", "field"),
    [({"q": "电\x00池"}, "q"), ({"domains": ["ai"] * 500}, "domains"),
     ({"domains": ["x" * 300]}, "domains.0")],
)  # fmt: skip
async def test_browse_refuses_what_a_saved_search_refuses(
    services: dict[str, Service], params: dict, field: str
) -> None:
    matching = services["matching"]
    response = await matching.call(
        caller_of(OrgType.enterprise), "GET", "/search/tech_offer", params=params
    )
    assert problem_fault(response) is None, response.text
    assert field in [e["field"] for e in response.json()["errors"]], response.text


@pytest.mark.parametrize("path", ["/saved-searches", "/pair-history/org-x", "/projection-failures"])
async def test_every_matching_list_is_a_page(services: dict[str, Service], path: str) -> None:
    matching = services["matching"]
    page = await matching.ok(caller_of(OrgType.operator), "GET", path)
    assert isinstance(page, dict) and {"items", "total", "limit", "offset"} <= set(page), page
    huge = await matching.call(caller_of(OrgType.operator), "GET", path, params={"offset": 10**30})
    assert huge.status_code == 422 and problem_fault(huge) is None
