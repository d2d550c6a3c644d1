"""Roadshows in Chromium: an investor finds next month's roadshow in the calendar and
books a seat; the presenting enterprise sees the investor's meeting request on the
roadshow's meetings page and accepts it; the investor reports the first funnel step
(met) once the operator's schedule has placed the meeting, and the enterprise confirms
it. Every page passes axe (0 serious/critical).

The roadshow, the enterprise's pitch and its selection as a presenter, and the
investor's meeting request and the operator's schedule are set up through roadshows' API
(the operator's work; the investor's meeting-request form is the forms work's, not this
journey's).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.portal.conftest import Portal, serious_violations, shoot
from tests.e2e.portal.setup_api import api, next_month_at, unique

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]  # set-up included


def _new_page(browser: Any, width: int = 1280) -> Any:
    return browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()


def _roadshow_with_presenter(portal: Portal, title: str) -> tuple[dict[str, Any], str]:
    """Next month's AI roadshow with the demo enterprise's pitch selected to present."""
    start = next_month_at(15, 14)
    show = api(portal, "operator", "roadshows", "POST", "/roadshows", {
        "title": title, "domain": "ai", "topic": "大模型应用", "venue": "中关村会议中心",
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
        "pitch_slots": 3, "investor_seats": 5, "cancel_cutoff_hours": 24,
        "meeting_slots": 3, "meeting_minutes": 20, "meeting_tables": 2,
    })  # fmt: skip
    pitch = api(portal, "enterprise", "roadshows", "POST", "/pitches", {
        "title": unique("工业大模型质检平台 A轮"), "description": "面向3C制造的视觉质检大模型",
        "domains": ["ai", "manufacturing"], "keywords": ["大模型", "质检"], "stage": "a",
        "ask_cny": 30_000_000, "revenue_cny": 12_000_000,
        "metrics": [{"name": "客户数", "value": "42"}],
    })  # fmt: skip
    path = f"/roadshows/{show['id']}/applications"
    applied = api(portal, "enterprise", "roadshows", "POST", path, {"pitch_id": pitch["id"]})
    api(portal, "operator", "roadshows", "POST", f"/applications/{applied['id']}/select")
    return show, str(pitch["id"])


def test_investor_books_and_the_enterprise_meets(portal: Portal, browser: Any) -> None:
    title = unique("人工智能专场路演")
    show, pitch_id = _roadshow_with_presenter(portal, title)
    month = next_month_at(15, 14).strftime("%Y-%m")
    investor = _new_page(browser, 390)
    portal.login(investor, "investor")
    investor.goto(f"{portal.url}/m/roadshows")
    investor.get_by_label("月份").fill(month)
    investor.get_by_role("button", name="筛选").click()
    investor.wait_for_url(f"{portal.url}/m/roadshows?month={month}*")
    assert serious_violations(investor) == []
    row = investor.get_by_role("row").filter(has_text=title)
    row.get_by_role("button", name="预订席位").click()
    investor.wait_for_url(f"{portal.url}/m/roadshows/{show['id']}/seat")
    assert "席位已保留" in investor.get_by_role("status").inner_text()
    assert serious_violations(investor) == []
    shoot(investor, "roadshow-seat-held-zh-390")

    # the investor, holding a seat, asks the presenter for a 1:1 meeting
    api(portal, "investor", "roadshows", "POST", f"/roadshows/{show['id']}/meetings",
        {"pitch_id": pitch_id})  # fmt: skip
    enterprise = _new_page(browser)
    portal.login(enterprise, "enterprise")
    enterprise.goto(f"{portal.url}/m/roadshows?month={month}")
    enterprise.get_by_role("row").filter(has_text=title).get_by_role(
        "link", name="会谈与跟进"
    ).click()
    enterprise.wait_for_url(f"{portal.url}/m/roadshows/{show['id']}/meetings")
    assert enterprise.get_by_role("heading", name="会谈 1 · 待接受").is_visible()
    assert serious_violations(enterprise) == []
    enterprise.get_by_role("button", name="接受会谈").click()
    enterprise.wait_for_url(f"{portal.url}/m/roadshows/{show['id']}/meetings?done=accept")
    assert enterprise.get_by_role("status").inner_text().strip() == "已完成：接受会谈"
    assert enterprise.get_by_role("heading", name="会谈 1 · 已接受").is_visible()

    investor.goto(f"{portal.url}/m/roadshows/{show['id']}/meetings")
    assert "会谈排定时段后即可登记跟进。" in investor.locator("main").inner_text()
    # the operator builds the day's schedule; a placed meeting takes follow-up reports
    api(portal, "operator", "roadshows", "POST", f"/roadshows/{show['id']}/meetings/schedule")
    investor.reload()
    assert serious_violations(investor) == []
    investor.get_by_label("报告跟进阶段").select_option("met")
    investor.get_by_role("button", name="提交").click()
    investor.wait_for_url(f"{portal.url}/m/roadshows/{show['id']}/meetings?done=report")
    assert "待确认：已见面" in investor.locator("main").inner_text()

    enterprise.reload()
    enterprise.get_by_role("button", name="确认", exact=True).click()
    enterprise.wait_for_url(f"{portal.url}/m/roadshows/{show['id']}/meetings?done=confirm")
    assert "跟进阶段：已见面" in enterprise.locator("main").inner_text()
    assert serious_violations(enterprise) == []
    shoot(enterprise, "roadshow-meeting-confirmed-zh")
