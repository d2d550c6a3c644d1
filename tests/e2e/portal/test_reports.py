"""Reports in Chromium: an operator picks a year and a district, sees the funnels charted,
downloads the annual report as XLSX and opens its printable HTML; a district official
sees their own district and a clear 403 for another; the enterprise profile (企业画像)
opens for the enterprise itself, operators and its district, and is a clear 403 for
another enterprise. Each page passes axe."""

from __future__ import annotations

import random
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from services.identity.domain.credit_code import ALPHABET, check_character
from shared.demo import demo_id
from tests.e2e.conftest import eventually
from tests.e2e.portal.conftest import Portal, serious_violations, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]  # set-up included
READ_MODEL_S = 180.0  # reporting reads identity's events from Kafka; a busy machine is slow


def sign_in(portal: Portal, page: Any, email: str, password: str) -> None:
    page.goto(f"{portal.url}/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{portal.url}/")


def another_enterprise(portal: Portal) -> tuple[str, str, str]:
    """A second enterprise (in Chaoyang) registered by the operator: (id, email, password)."""
    first17 = "91110105" + "".join(random.choices(ALPHABET, k=9))
    email, password = f"ent-{uuid.uuid4().hex[:8]}@example.cn", f"Pw-{uuid.uuid4().hex}"
    body = {
        "organisation": {"type": "enterprise", "name": f"北京朝阳示例科技有限公司{first17[-4:]}",
                         "credit_code": first17 + check_character(first17), "district": "chaoyang",
                         "founding_date": "2021-03-01", "domains": ["energy"]},
        "admin": {"name": "企业管理员", "email": email, "password": password, "role": "admin"},
    }  # fmt: skip
    headers = {"Authorization": f"Bearer {portal.token('operator')}"}
    url = f"{portal.services['identity']}/organisations"
    answer = httpx.post(url, json=body, headers=headers, timeout=60)
    assert answer.status_code == 201, answer.text
    return answer.json()["organisation"]["id"], email, password


def reporting_knows(portal: Portal, org_id: str) -> None:
    """Wait (with a deadline) until reporting's read model has the organisation."""
    url = f"{portal.services['reporting']}/enterprises/{org_id}/profile"
    headers = {"Authorization": f"Bearer {portal.token('operator')}"}
    eventually(lambda: httpx.get(url, headers=headers, timeout=30).status_code == 200,
               READ_MODEL_S, f"reporting's profile of {org_id}", interval=0.5)  # fmt: skip


def test_an_operator_downloads_the_annual_report_and_sees_the_funnels(
    portal: Portal, page: Any, tmp_path: Path
) -> None:
    portal.login(page, "operator")
    page.get_by_role("link", name="年度报告").click()
    assert page.get_by_role("heading", name="年度评估报告", exact=True).is_visible()
    page.get_by_label("区域").select_option("haidian")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(r".*/reports\?year=\d{4}&district=haidian$"))
    assert page.get_by_role("heading", name="各市场漏斗").first.inner_text().endswith("海淀区）")
    page.locator("#report-monthly-chart canvas").first.wait_for()  # ECharts drew it
    assert serious_violations(page) == []
    shoot(page, "reports-operator-haidian")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel（XLSX）").click()
    saved = download.value
    assert saved.suggested_filename.endswith(".xlsx") and "haidian" in saved.suggested_filename
    target = tmp_path / saved.suggested_filename  # openpyxl goes by the file's extension
    saved.save_as(target)
    workbook = load_workbook(target, read_only=True)
    assert len(workbook.sheetnames) >= 5  # a sheet per market at least

    page.get_by_role("link", name="打开可打印版（HTML）").click()
    page.wait_for_url(re.compile(r".*/reports/annual/\d{4}\.html\?district=haidian$"))
    assert page.locator("svg").count() >= 1 and page.locator("script").count() == 0


def test_a_district_official_sees_their_district_and_a_clear_403_for_another(
    portal: Portal, page: Any
) -> None:
    portal.login(page, "government")  # 海淀区人民政府
    response = page.goto(f"{portal.url}/reports")
    assert response is not None and response.status == 200
    assert page.get_by_role("heading", name="各市场漏斗").first.inner_text().endswith("海淀区）")
    options = page.get_by_label("区域").locator("option").all_inner_texts()
    assert options == ["海淀区"]  # neither the city nor another district to choose
    assert serious_violations(page) == []

    for path in ("/reports?district=chaoyang", "/reports/annual/2025.xlsx?district=chaoyang"):
        response = page.goto(f"{portal.url}{path}")
        assert response is not None and response.status == 403
        alert = page.get_by_role("alert")
        assert alert.get_by_role("heading", name="无权查看").is_visible()
        assert "区级用户只能查看本区数据" in alert.inner_text()  # the service's own reason
    assert serious_violations(page) == []
    shoot(page, "reports-district-403")


def test_the_enterprise_profile_opens_for_its_readers_and_is_403_for_another_enterprise(
    portal: Portal, page: Any, browser: Any
) -> None:
    enterprise = demo_id("enterprise")
    reporting_knows(portal, enterprise)
    heading = "企业画像：北京智源示范科技有限公司"

    portal.login(page, "enterprise")
    page.get_by_role("link", name="企业画像").click()  # its own, from the navigation
    page.wait_for_url(f"**/reports/enterprises/{enterprise}")
    assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_text("海淀区").first.is_visible()
    assert serious_violations(page) == []
    shoot(page, "reports-profile-own")

    for key in ("operator", "government"):  # operators, and the enterprise's district
        context = browser.new_context(locale="zh-CN")
        other = context.new_page()
        portal.login(other, key)
        response = other.goto(f"{portal.url}/reports/enterprises/{enterprise}")
        assert response is not None and response.status == 200, key
        assert other.get_by_role("heading", name=heading).is_visible()
        context.close()

    _, email, password = another_enterprise(portal)
    context = browser.new_context(locale="zh-CN")
    stranger = context.new_page()
    sign_in(portal, stranger, email, password)
    response = stranger.goto(f"{portal.url}/reports/enterprises/{enterprise}")
    assert response is not None and response.status == 403
    alert = stranger.get_by_role("alert")
    assert alert.get_by_role("heading", name="无权查看").is_visible()
    assert "只能查看本企业、本区企业的画像" in alert.inner_text()
    assert stranger.get_by_text("北京智源示范科技有限公司").count() == 0  # nothing leaks
    assert serious_violations(stranger) == []
    shoot(stranger, "reports-profile-403")
    context.close()
