"""Every input of techtransfer is bounded and strict, every list pages the one way, and
domain errors speak Chinese by default and English on request (issue 17)."""

from __future__ import annotations

import pytest

from shared.auth import OrgType
from shared.paging import MAX_OFFSET
from tests.integration.techtransfer.conftest import TT, offer_body
from tests.support.problems import code_of, field_of

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"trl": True}, "trl"),  # coercion would store TRL 1
        ({"trl": "5"}, "trl"),
        ({"keywords": ["键" * 12_000]}, "keywords.0"),  # the index refused it once
        ({"keywords": [f"k{i}" for i in range(31)]}, "keywords"),
        ({"patents": [f"ZL{i}" for i in range(10_000)]}, "patents"),
        ({"domains": [f"d{i}" for i in range(10_000)]}, "domains"),
        ({"title": "标题\x00带空字符"}, "title"),
        ({"asking_price_cny": 10**20}, "asking_price_cny"),
    ],
)
async def test_offer_inputs_are_bounded(tt: TT, override: dict, field: str) -> None:
    uni = tt.caller(OrgType.university)
    response = await tt.call(uni, "POST", "/offers", offer_body(**override))
    assert response.status_code == 422, response.text
    assert field_of(response.json()) == field


async def test_edits_are_bounded_too(tt: TT) -> None:
    uni = tt.caller(OrgType.university)
    offer = await tt.offer(uni, publish=False)
    response = await tt.call(uni, "PATCH", f"/offers/{offer['id']}", {"trl": True})
    assert response.status_code == 422 and field_of(response.json()) == "trl"


@pytest.mark.parametrize(
    "path", ["/offers", "/needs", "/interests", "/deals", "/sessions", "/support-eligibility"]
)
async def test_every_list_pages_the_same_way(tt: TT, path: str) -> None:
    operator = tt.caller(OrgType.operator)
    page = await tt.ok(operator, "GET", f"{path}?limit=5&offset=0")
    assert set(page) == {"items", "total", "limit", "offset"} and page["limit"] == 5
    huge = await tt.call(operator, "GET", path, params={"offset": 10**30})
    assert huge.status_code == 422 and field_of(huge.json()) == "offset"
    over = await tt.call(operator, "GET", path, params={"offset": MAX_OFFSET + 1})
    assert over.status_code == 422


async def test_domain_errors_in_chinese_and_english(tt: TT) -> None:
    ent = tt.caller(OrgType.enterprise)
    missing = "/offers/nonexistent/publish"
    zh = await tt.call(ent, "POST", missing)
    english = {**tt.headers(ent), "Accept-Language": "en"}
    en = await tt.client.post(missing, headers=english)
    assert zh.status_code == en.status_code == 404
    assert code_of(zh.json()) == code_of(en.json()) == "not_found"
    assert "科技成果" in zh.json()["errors"][0]["message"]
    assert "technology offer" in en.json()["errors"][0]["message"]
    uni = tt.caller(OrgType.university)
    offer = await tt.offer(uni)
    twice = await tt.call(uni, "POST", f"/offers/{offer['id']}/publish")
    assert twice.status_code == 409
    assert "已发布" in twice.json()["errors"][0]["message"]
