"""The catalogue in Chromium: an enterprise applies for listing and submits, the operator
approves it from the review queue, and once the edition is published an SOE finds the
product in the catalogue; an SOE registering for a full launch event sees its place on
the waitlist (候补第 N 位). Every page passes axe (0 serious/critical).

The edition (open, add the approved application, freeze, publish), the launch event and
the two registrations ahead of the SOE are set up through catalogue's API: that is the
operator's and other organisations' work, not the journey under test.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from tests.e2e.portal.conftest import Portal, serious_violations, shoot
from tests.e2e.portal.setup_api import api, unique

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]  # set-up included


def _new_page(browser: Any, width: int = 1280) -> Any:
    return browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()


def _publish_edition(portal: Portal, application_id: str) -> str:
    """The operator's edition with the approved application; returns the product's id."""
    code = f"J-{uuid.uuid4().hex[:8]}"
    api(
        portal,
        "operator",
        "catalogue",
        "POST",
        "/editions",
        {"code": code, "title": f"批次 {code}"},
    )
    api(portal, "operator", "catalogue", "POST", f"/editions/{code}/entries",
        {"application_id": application_id})  # fmt: skip
    api(portal, "operator", "catalogue", "POST", f"/editions/{code}/freeze")
    api(portal, "operator", "catalogue", "POST", f"/editions/{code}/publish")
    found = api(portal, "operator", "catalogue", "GET", f"/applications/{application_id}")
    return str(found["product_id"])


def test_apply_review_list_and_wait_for_a_launch_seat(portal: Portal, browser: Any) -> None:
    title = unique("配电房轨道式智能巡检机器人")
    enterprise = _new_page(browser)
    portal.login(enterprise, "enterprise")
    enterprise.goto(f"{portal.url}/m/applications/new")
    enterprise.get_by_label("标题").fill(title)
    enterprise.get_by_label("详细描述").fill(
        "轨道式巡检机器人，红外测温与局放检测，适配 10kV 配电房。"
    )
    enterprise.get_by_label("智能制造与装备").check()  # domains in words; the code is sent
    enterprise.get_by_label("区", exact=True).select_option(label="海淀区")
    enterprise.get_by_label("关键词").fill("巡检机器人，红外测温")
    assert serious_violations(enterprise) == []
    enterprise.get_by_role("button", name="提交").click()
    enterprise.wait_for_url(f"{portal.url}/m/applications")
    row = enterprise.get_by_role("row").filter(has_text=title)
    row.get_by_role("button", name="提交审核").click()
    enterprise.wait_for_url(f"{portal.url}/m/applications")
    assert "已提交待审核" in enterprise.get_by_role("row").filter(has_text=title).inner_text()
    assert serious_violations(enterprise) == []

    operator = _new_page(browser)
    portal.login(operator, "operator")
    operator.goto(f"{portal.url}/m/review")
    assert serious_violations(operator) == []
    operator.get_by_role("row").filter(has_text=title).get_by_role("link", name="审核").click()
    operator.wait_for_url(f"{portal.url}/m/review/*")
    application_id = operator.url.rsplit("/", 1)[-1]
    assert operator.get_by_role("heading", name=f"审核 · {title}").is_visible()
    assert serious_violations(operator) == []
    operator.get_by_label("批准入选").check()
    operator.get_by_role("button", name="提交审核结论").click()
    operator.wait_for_url(f"{portal.url}/m/review?done=approve")
    assert operator.get_by_role("status").inner_text().strip() == "已处理：批准入选"
    shoot(operator, "catalogue-reviewed-zh")

    product_id = _publish_edition(portal, application_id)
    soe = _new_page(browser, 390)
    portal.login(soe, "soe")
    soe.goto(f"{portal.url}/m/products")
    soe.get_by_role("link", name=title).click()
    soe.wait_for_url(f"{portal.url}/m/products/{product_id}")
    assert soe.get_by_role("heading", name=title).is_visible()
    assert serious_violations(soe) == []

    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=10)
    launch = api(portal, "operator", "catalogue", "POST", "/launches", {
        "title": unique("配电智能化新产品首发会"), "format": "release",
        "domain": "manufacturing", "venue": "中关村展示中心", "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=3)).isoformat(), "capacity": 1,
        "product_ids": [product_id],
    })  # fmt: skip
    for ahead in ("enterprise", "government"):  # the one seat, then the waitlist's head
        api(portal, ahead, "catalogue", "POST", f"/launches/{launch['id']}/registrations")
    soe.goto(f"{portal.url}/m/launches")
    soe.get_by_role("row").filter(has_text=launch["spec"]["title"]).get_by_role(
        "button", name="报名"
    ).click()
    soe.wait_for_url(f"{portal.url}/m/launches/{launch['id']}/mine")
    assert "候补第 2 位" in soe.get_by_role("status").inner_text()
    assert serious_violations(soe) == []
    shoot(soe, "launch-waitlisted-zh-390")
    soe.get_by_role("link", name="English").click()
    assert "Waitlist position 2" in soe.get_by_role("status").inner_text()
