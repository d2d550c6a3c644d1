"""The report pages against canned reporting answers: the funnels overview (tables and
the chart data), the report links for the chosen scope, the service's 403 shown with its
reason, and the enterprise profile."""

from __future__ import annotations

import json
import re
from typing import Any

from services.portal.pages.report_charts import funnel_overview
from shared.auth import Caller, OrgType, Role
from tests.unit.portal.conftest import as_org, problem

FIGURES = {
    "year": 2025, "district": "haidian", "group_by": ["month"],
    "rows": [
        {"market": "techtransfer", "month": "2025-01",
         "stages": {"published": 3, "interest": 2, "meeting": 1, "deal": 1, "deal_in_beijing": 0}},
        {"market": "techtransfer", "month": "2025-03",
         "stages": {"published": 2, "interest": 1, "meeting": 0, "deal": 0, "deal_in_beijing": 0}},
        {"market": "talent", "month": "2025-03",
         "stages": {"posted": 4, "claimed": 2, "candidate": 2, "hired": 1, "eligible": 0}},
    ],
}  # fmt: skip
PROFILE = {
    "organisation_id": "ent-1", "name": "北京智源示范科技有限公司", "type": "enterprise",
    "district": "haidian", "domains": ["ai"], "tiers": ["cultivation"],
    "tier_history": [{"seq": 1, "tier": "cultivation", "action": "added", "automatic": True,
                      "at": "2025-01-02T00:00:00+00:00", "reason": "成立未满两年"}],
    "published": {"techtransfer": 2}, "answered": {"techtransfer.interest": 1}, "matches": 3,
    "outcomes": {"deal": 1, "deal_as_party": 1},
    "records": [{"id": "need-1", "market": "techtransfer", "kind": "tech_need",
                 "title": "储能热管理", "status": "published", "stage": "deal",
                 "published_at": "2025-01-05T00:00:00+00:00"}],
    "recent_activity": [],
}  # fmt: skip


def district_official(district: str = "haidian") -> Caller:
    return Caller(user_id="u-gov", organisation_id="gov-1", org_type=OrgType.government,
                  role=Role.admin, district=district, government_kind="district")  # fmt: skip


def test_the_overview_sums_each_market_over_the_year_and_counts_months() -> None:
    overview = funnel_overview(FIGURES, lambda text: text)
    techtransfer = overview["markets"][0]
    assert [(s["code"], s["count"]) for s in techtransfer["stages"]][:3] == [
        ("published", 5), ("interest", 3), ("meeting", 1),
    ]  # fmt: skip
    assert len(overview["months"]) == 12 and overview["months"][0] == "2025-01"
    assert overview["series"][0]["data"][:3] == [3, 0, 2]
    assert overview["series"][1]["data"][2] == 4 and not overview["empty"]
    assert funnel_overview({"year": 2025, "rows": []}, str)["empty"]


def test_an_operator_sees_the_funnels_and_the_report_links_of_a_district(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.operator)
    backend.on("reporting", "GET", "/funnels", (200, FIGURES))
    page = client.get("/reports?year=2025&district=haidian")
    assert page.status_code == 200
    html = page.text
    assert "2025年度评估报告（海淀区）" in html and "各市场漏斗（2025年发布，海淀区）" in html
    assert 'href="/reports/annual/2025.xlsx?district=haidian"' in html
    assert 'href="/reports/annual/2025.html?district=haidian"' in html
    assert '<option value="">全市</option>' in html  # operators may choose the whole city
    assert re.search(r"<th scope=\"row\">已发布</th><td>5</td>", html)
    data = re.search(r"const overview = (\{.*?\});\n", html)
    assert data and json.loads(data.group(1))["markets"][1]["name"] == "人才选聘"
    assert '<script src="/static/vendor/echarts.min.js">' in html


def test_a_district_official_gets_the_services_403_with_its_reason(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = district_official()
    backend.on("reporting", "GET", "/funnels",
               problem(403, ("district", "区级用户只能查看本区数据")))  # fmt: skip
    page = client.get("/reports?district=chaoyang")
    assert page.status_code == 403
    assert 'role="alert"' in page.text and "无权查看" in page.text
    assert "区级用户只能查看本区数据" in page.text
    backend.on("reporting", "GET", "/funnels", (200, {**FIGURES, "rows": []}))
    own = client.get("/reports")
    assert own.status_code == 200 and "本年度暂无数据。" in own.text
    options = re.findall(r'<option value="([a-z]*)"', own.text.split('name="district"')[1])
    assert options == ["haidian"]  # neither the city nor another district to choose


def test_the_profile_page_and_a_refused_one(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.enterprise, org="ent-1")
    assert client.get("/reports/profile").headers["location"] == "/reports/enterprises/ent-1"
    backend.on("reporting", "GET", "/enterprises/ent-1/profile", (200, PROFILE))
    page = client.get("/reports/enterprises/ent-1")
    assert page.status_code == 200
    assert "企业画像：北京智源示范科技有限公司" in page.text and "成立未满两年" in page.text
    assert "培育清单" in page.text and "成交（作为参与方）" in page.text
    backend.on("reporting", "GET", "/enterprises/ent-2/profile",
               problem(403, ("org_id", "只能查看本企业、本区企业的画像")))  # fmt: skip
    refused = client.get("/reports/enterprises/ent-2")
    assert refused.status_code == 403 and "只能查看本企业、本区企业的画像" in refused.text
    client.cookies.set("dj_lang", "en")
    english = client.get("/reports/enterprises/ent-1")
    assert "Enterprise profile: 北京智源示范科技有限公司" in english.text
