"""The scenarios market in Chromium: an enterprise finds an opportunity by batch and
domain and applies (揭榜) through the form, an expert of the panel scores the proposal on
each criterion after the deadline, and anyone reads the public results page.

The scenario, its batch and its panel are set up through the scenarios API (that is the
publisher's and operator's job, not the journey under test); everything the enterprise
and the expert do goes through the browser. Every page passes axe.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from typing import Any

import httpx
import pytest

from shared.demo import demo_id
from tests.e2e.portal.conftest import Portal, serious_violations, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]  # set-up included
TITLE = "城市道路积水智能感知与预警场景"
#: the application window: long enough for the enterprise's browser steps on a loaded
#: machine, short enough that the expert's wait for the deadline stays brief
WINDOW_S = 50


def _subject(token: str) -> str:
    payload = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])


def _post(portal: Portal, method: str, path: str, token: str, body: Any) -> dict[str, Any]:
    answer = httpx.request(method, f"{portal.services['scenarios']}{path}", json=body,
                           headers={"Authorization": f"Bearer {token}"}, timeout=30)  # fmt: skip
    assert answer.status_code in (200, 201), answer.text
    return dict(answer.json())


def _open_scenario(portal: Portal) -> tuple[str, float]:
    """The district posts a scenario, the operator publishes it in batch 2, the district
    names the university's admin as its one expert; returns its id and deadline."""
    gov, expert = portal.token("government"), portal.token("university")
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=WINDOW_S)
    start = (deadline + dt.timedelta(days=30)).date()
    scenario = _post(portal, "POST", "/scenarios", gov, {
        "title": TITLE, "problem": "为下凹桥区配置积水感知设备与预警平台，汛期实时告警。",
        "domain": "ai", "keywords": ["积水", "感知", "预警"], "site": "海淀区下凹桥区",
        "budget_cny": [800_000, 2_000_000],
        "timeline": {"starts_on": start.isoformat(),
                     "ends_on": (start + dt.timedelta(days=90)).isoformat()},
        "criteria": [{"code": "tech", "name": "技术方案", "weight": 60, "scale": 10},
                     {"code": "price", "name": "报价合理性", "weight": 40, "scale": 10}],
        "deadline": deadline.isoformat(),
    })  # fmt: skip
    _post(portal, "POST", "/batches", portal.token("operator"), {
        "year": deadline.year, "number": 2, "title": "第二批", "scenario_ids": [scenario["id"]]
    })  # fmt: skip
    experts = [{"user_id": _subject(expert), "org_id": demo_id("university")}]
    _post(portal, "PUT", f"/scenarios/{scenario['id']}/panel", gov, {"experts": experts})
    return str(scenario["id"]), time.time() + WINDOW_S


def test_enterprise_applies_and_the_expert_scores(portal: Portal, browser: Any) -> None:
    scenario_id, closes = _open_scenario(portal)
    page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 900}).new_page()
    portal.login(page, "enterprise")
    page.goto(f"{portal.url}/m/scenarios")
    page.get_by_label("领域").select_option("ai")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=TITLE).click()
    assert page.get_by_role("heading", name=TITLE).is_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="揭榜申请").click()
    page.get_by_role("button", name="提交").click()  # nothing filled in: the service refuses
    assert page.get_by_role("alert").is_visible()
    assert serious_violations(page) == []
    page.get_by_label("技术方案").fill("毫米波雷达水位感知终端 + 边缘告警网关，接入区级防汛平台。")
    page.get_by_label("报价（元）").fill("1500000")
    page.get_by_label("本方案技术成熟度（TRL 1-9）").fill("7")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(f"{portal.url}/m/scenarios/{scenario_id}?applied=1")
    assert page.get_by_role("status").inner_text().strip() == "已提交揭榜申请。"
    shoot(page, "scenario-applied-zh-390")

    expert = browser.new_context(locale="zh-CN").new_page()
    portal.login(expert, "university")
    expert.goto(f"{portal.url}/m/scenarios/{scenario_id}")
    expert.get_by_role("link", name="专家评分").click()
    deadline = closes + 60
    while not expert.get_by_label("技术方案（0–10）").count():  # scoring opens at the deadline
        assert time.time() < deadline, "the proposal never reached the expert's sheet"
        expert.wait_for_timeout(2000)  # a polling interval of a deadline-bounded wait
        expert.reload()
    assert serious_violations(expert) == []
    expert.get_by_label("技术方案（0–10）").fill("11")
    expert.get_by_role("button", name="保存评分").click()
    assert expert.get_by_role("alert").is_visible()  # above the scale: refused, named
    expert.get_by_label("技术方案（0–10）").fill("8")
    expert.get_by_label("报价合理性（0–10）").fill("7")
    expert.get_by_role("button", name="保存评分").click()
    expert.wait_for_url(f"{portal.url}/m/scenarios/{scenario_id}/score?saved=*")
    assert "已评分" in expert.get_by_role("status").inner_text()
    shoot(expert, "scenario-scored-zh")


def test_the_public_results_page_needs_no_sign_in(portal: Portal, page: Any) -> None:
    response = page.goto(f"{portal.url}/results")
    assert response is not None and response.status == 200
    assert page.get_by_role("heading", name="城市机会清单 · 公示结果").is_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="City opportunity list · results").is_visible()
