"""Every role reaches its market pages in Chromium, each page passing axe; a create form
built from the market's own OpenAPI schema shows the service's field errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.portal.conftest import Portal, serious_violations, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]  # set-up included

PAGES = [
    ("soe", "/m/products", "新技术新产品目录"),
    ("soe", "/m/procurement", "国企采购需求"),
    ("soe", "/m/launches", "首发活动"),
    ("enterprise", "/m/applications", "目录入选申请"),
    ("enterprise", "/m/talent", "人才选聘项目"),
    ("enterprise", "/m/pitches", "融资路演项目"),
    ("headhunter", "/m/talent", "人才选聘项目"),
    ("headhunter", "/m/claims", "认领记录"),
    ("investor", "/m/roadshows", "月度路演日历"),
    ("investor", "/m/mandates", "投资意向"),
    ("operator", "/m/agencies", "猎头机构"),
    ("operator", "/compliance", "路演合规（每月每领域至少一场）"),
    ("operator", "/charts", "漏斗统计"),
    ("government", "/m/products", "新技术新产品目录"),
    ("enterprise", "/m/scenarios", "应用场景（城市机会清单）"),
    ("soe", "/m/scenarios/demo-scn-grid", "园区储能与微电网调度场景"),
    ("operator", "/m/review", "目录入选审核"),
    ("operator", "/m/editions", "目录版本"),
    ("investor", "/m/roadshows", "月度路演日历"),
    ("university", "/sessions", "对接洽谈会"),
]


@pytest.mark.parametrize(("key", "path", "heading"), PAGES)
def test_each_role_reaches_its_market_pages(
    portal: Portal, page: Any, key: str, path: str, heading: str
) -> None:
    portal.login(page, key)
    response = page.goto(f"{portal.url}{path}")
    assert response is not None and response.status == 200
    assert page.get_by_role("heading", name=heading).first.is_visible()
    assert serious_violations(page) == []


def test_a_schema_built_form_shows_the_services_field_errors(portal: Portal, page: Any) -> None:
    portal.login(page, "investor")
    page.goto(f"{portal.url}/m/mandates/new")
    assert page.get_by_role("heading", name="新建 · 投资意向").is_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="提交").click()  # nothing filled in: the service refuses
    assert page.get_by_role("alert").is_visible()
    assert page.locator(".field-error").count() >= 1
    shoot(page, "mandate-form-errors-zh")
