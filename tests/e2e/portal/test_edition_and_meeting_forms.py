"""Two forms in Chromium: the operator opens a catalogue edition and adds an approved
application as its entry (an expiry in the past refused first, in Chinese, beside that
application), and an investor holding a seat asks a pitching enterprise for a meeting
(a pitch that does not present there refused first, beside the choice). What the forms
start from (an approved application; a roadshow with a selected presenter and the
investor's seat) is set up through the services' APIs. Every page passes axe.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.portal.conftest import Portal, serious_violations, shoot
from tests.e2e.portal.forms_setup import BEIJING, Api, mark

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]  # set-up included


def _approved_application(api: Api, title: str) -> None:
    spec = {"title": title, "description": "面向城市管廊的巡检机器人", "domains": ["manufacturing"],
            "keywords": ["巡检", "机器人"]}  # fmt: skip
    app = api("enterprise", "catalogue", "POST", "/applications", spec)
    api("enterprise", "catalogue", "POST", f"/applications/{app['id']}/submit")
    api("operator", "catalogue", "POST", f"/applications/{app['id']}/review",
        {"decision": "approve", "reasons": []})  # fmt: skip


def test_the_operator_adds_an_approved_application_to_a_new_edition(
    portal: Portal, page: Any
) -> None:
    api, title = Api(portal), f"管廊巡检机器人 {mark()}"
    _approved_application(api, title)
    portal.login(page, "operator")
    page.goto(f"{portal.url}/m/editions")
    page.get_by_role("link", name="开启目录版本").click()
    assert serious_violations(page) == []
    page.get_by_label("版本代码（如 2026-Q1）").fill("x")  # two characters at least
    page.get_by_label("版本名称").fill("测试版本")
    page.get_by_role("button", name="开启版本").click()
    assert page.locator("#f-code-error").inner_text() == "格式不正确"
    code = f"T{mark()}"
    page.get_by_label("版本代码（如 2026-Q1）").fill(code)
    page.get_by_role("button", name="开启版本").click()
    page.wait_for_url(f"{portal.url}/m/editions/{code}/entries")
    assert serious_violations(page) == []

    page.get_by_label(title, exact=True).check()
    page.get_by_label(f"有效期至（可选） · {title}").fill("2020-01-01")
    page.get_by_role("button", name="添加所选条目").click()
    assert page.get_by_role("alert").is_visible()
    refused = page.get_by_label(f"有效期至（可选） · {title}")
    assert refused.get_attribute("aria-invalid") == "true"
    assert "有效期须晚于当前时间" in page.locator(".field-error").first.inner_text()
    assert serious_violations(page) == []
    shoot(page, "edition-entry-error-zh")
    refused.fill("")
    page.get_by_role("button", name="添加所选条目").click()
    assert page.get_by_role("status").inner_text().strip() == "已添加 1 个条目。"
    assert page.get_by_role("cell", name=title, exact=True).is_visible()


def _presenting(api: Api, title: str) -> tuple[str, str, str]:
    """A roadshow three days ahead with one selected presenter, a second pitch of the
    domain that does not present, and the investor's seat: (roadshow, presenting pitch
    title, other pitch title)."""
    starts = dt.datetime.now(BEIJING).replace(microsecond=0) + dt.timedelta(days=3)
    show = api("operator", "roadshows", "POST", "/roadshows", {
        "title": title, "domain": "ai", "venue": "中关村国际创新中心",
        "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=3)).isoformat(),
        "pitch_slots": 4, "investor_seats": 20})  # fmt: skip
    pitches = []
    for name in (f"视觉质检 A轮 {mark()}", f"语音助手 天使轮 {mark()}"):
        pitches.append(api("enterprise", "roadshows", "POST", "/pitches", {
            "title": name, "domains": ["ai"], "stage": "a", "ask_cny": 30_000_000}))  # fmt: skip
    applied = api("enterprise", "roadshows", "POST", f"/roadshows/{show['id']}/applications",
                  {"pitch_id": pitches[0]["id"]})  # fmt: skip
    api("operator", "roadshows", "POST", f"/applications/{applied['id']}/select")
    api("investor", "roadshows", "POST", f"/roadshows/{show['id']}/seats")
    return show["id"], pitches[0]["content"]["title"], pitches[1]["content"]["title"]


def test_an_investor_requests_a_meeting_with_a_presenter(portal: Portal, browser: Any) -> None:
    api, title = Api(portal), f"人工智能专场 {mark()}"
    show_id, presenting, other = _presenting(api, title)
    page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 900}).new_page()
    portal.login(page, "investor")
    month = (dt.datetime.now(BEIJING) + dt.timedelta(days=3)).strftime("%Y-%m")
    page.goto(f"{portal.url}/m/roadshows?month={month}")
    page.get_by_role("link", name=f"约见企业 {title}").click()
    assert page.get_by_role("heading", name=f"约见路演企业 · {title}").is_visible()
    assert serious_violations(page) == []
    choice = page.get_by_label("路演项目")
    choice.select_option(label=next(o for o in _options(choice) if o.startswith(other)))
    page.get_by_role("button", name="提交约见").click()
    assert choice.get_attribute("aria-invalid") == "true"
    assert page.locator("#f-pitch_id-error").inner_text() == "该项目不是本场路演的路演项目"
    assert serious_violations(page) == []
    shoot(page, "meeting-request-error-zh-390")
    choice.select_option(label=next(o for o in _options(choice) if o.startswith(presenting)))
    choice.focus()
    page.keyboard.press("Tab")  # by keyboard: from the choice to the submit button
    assert page.evaluate("document.activeElement.textContent").strip() == "提交约见"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{portal.url}/m/roadshows/{show_id}/meetings?done=request")
    assert page.get_by_role("status").inner_text().strip() == "已完成：提出约见"
    assert page.get_by_role("heading", name="会谈 1 · 待接受").is_visible()
    assert serious_violations(page) == []


def _options(select: Any) -> list[str]:
    return [str(t).strip() for t in select.locator("option").all_inner_texts()]
