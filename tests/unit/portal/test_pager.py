"""The previous/next links under a paged list (one macro, list_macros.html): each list's
own address and page size, its filters kept; the public results page has them too."""

from __future__ import annotations

from typing import Any

from shared.auth import OrgType
from tests.unit.portal.conftest import as_org


def test_the_opportunity_list_pages_by_20_keeping_its_filters(portal: Any) -> None:
    client, backend, _ = portal
    backend.on("scenarios", "GET", "/scenarios", (200, {"items": [], "total": 45}))
    backend.on("scenarios", "GET", "/batches", (200, {"items": []}))
    page = client.get("/m/scenarios?batch=b-1&domain=ai&offset=20").text
    assert 'href="/m/scenarios?batch=b-1&amp;domain=ai&amp;offset=0"' in page
    assert 'href="/m/scenarios?batch=b-1&amp;domain=ai&amp;offset=40"' in page


def test_the_review_queue_has_no_previous_page_on_its_first(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.operator)
    backend.on("catalogue", "GET", "/applications", (200, {"items": [], "total": 21}))
    page = client.get("/m/review").text
    assert 'href="/m/review?offset=20"' in page and "上一页" not in page


def test_the_public_results_page_on_to_the_next_50(portal: Any) -> None:
    client, backend, _ = portal
    backend.on("scenarios", "GET", "/results", (200, {"items": [], "total": 60}))
    page = client.get("/results").text
    assert 'href="/results?offset=50"' in page
