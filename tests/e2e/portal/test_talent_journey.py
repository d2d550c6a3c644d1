"""The talent market in Chromium: an enterprise posts a demand through the form, the
headhunter's agency claims it from the demand list and submits a candidate with a PDF
CV, and the enterprise sees the candidate, downloads the CV and shortlists it. Every
page passes axe (0 serious/critical).

The headhunter's agency is made verified by talent's own ``seed-demo`` (the operator's
verification is not the journey under test); everything else runs in the browser.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.portal.conftest import Portal, serious_violations, shoot
from tests.e2e.portal.setup_api import unique

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]  # set-up included
CV = b"%PDF-1.4\n% candidate CV for the browser journey\n" + b"0" * 2000
PERSON = "张明远"


def _new_page(browser: Any, width: int = 1280) -> Any:
    return browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()


def test_demand_claim_candidate_cv_and_shortlist(
    portal: Portal, browser: Any, run_cli: Any
) -> None:
    run_cli("services.talent.cli", "seed-demo")  # the demo headhunter as a verified agency
    title = unique("功率半导体器件可靠性工程师")
    enterprise = _new_page(browser)
    portal.login(enterprise, "enterprise")
    enterprise.goto(f"{portal.url}/m/talent/new")
    enterprise.get_by_label("岗位名称").fill(title)
    enterprise.get_by_label("岗位职责与要求").fill("负责 SiC 功率器件的可靠性试验与失效分析。")
    enterprise.get_by_label("集成电路").check()  # domains in words; the code is sent
    enterprise.get_by_label("职级").select_option("senior")
    enterprise.get_by_label("人数").fill("1")
    deadline = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))) + dt.timedelta(days=20)
    enterprise.get_by_label("截止时间").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    enterprise.get_by_label("认领方式").select_option("open")
    assert serious_violations(enterprise) == []
    enterprise.get_by_role("button", name="提交").click()
    enterprise.wait_for_url(f"{portal.url}/m/talent")
    assert enterprise.get_by_role("link", name=title, exact=True).is_visible()

    headhunter = _new_page(browser, 390)
    portal.login(headhunter, "headhunter")
    headhunter.goto(f"{portal.url}/m/talent")
    row = headhunter.get_by_role("row").filter(has_text=title)
    row.get_by_role("button", name="认领").click()
    headhunter.wait_for_url(f"{portal.url}/m/talent")
    assert serious_violations(headhunter) == []
    headhunter.get_by_role("row").filter(has_text=title).get_by_role("link", name="候选人").click()
    headhunter.wait_for_url(f"{portal.url}/m/talent/*/candidates")
    demand_id = headhunter.url.split("/")[-2]
    headhunter.get_by_label("姓名").fill(PERSON)
    headhunter.get_by_label("手机号").fill("13912345678")
    headhunter.get_by_label("个人简介").fill("8 年 SiC MOSFET 可靠性经验。")
    headhunter.get_by_label("简历").set_input_files(
        {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": CV}
    )
    assert serious_violations(headhunter) == []
    headhunter.get_by_role("button", name="提交").click()
    headhunter.wait_for_url(f"{portal.url}/m/talent/{demand_id}/candidates?done=submitted")
    assert headhunter.get_by_role("status").inner_text().strip() == "已完成：推荐候选人"
    assert headhunter.get_by_role("row").filter(has_text=PERSON).count() == 1
    shoot(headhunter, "talent-candidate-submitted-zh-390")

    enterprise.goto(f"{portal.url}/m/talent/{demand_id}/candidates")
    assert enterprise.get_by_role("heading", name=f"候选人 · {title}").is_visible()
    row = enterprise.get_by_role("row").filter(has_text=PERSON)
    assert "已推荐" in row.inner_text()
    assert serious_violations(enterprise) == []
    with enterprise.expect_download() as download:
        row.get_by_role("link", name="下载简历").click()
    with open(download.value.path(), "rb") as f:
        assert f.read() == CV
    row.get_by_role("button", name="入围").click()
    enterprise.wait_for_url(f"{portal.url}/m/talent/{demand_id}/candidates?done=shortlist")
    assert enterprise.get_by_role("status").inner_text().strip() == "已完成：入围"
    assert "已入围" in enterprise.get_by_role("row").filter(has_text=PERSON).inner_text()
    assert serious_violations(enterprise) == []
