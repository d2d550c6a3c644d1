"""Posting a scenario, publishing a batch and naming the panel: the JSON each form sends,
and each refusal shown beside the input it names."""

from __future__ import annotations

import re
from typing import Any

from shared.auth import OrgType
from tests.unit.portal.conftest import CSRF, as_org, problem

SCENARIO = {
    "csrf": CSRF, "rows": "3", "title": "积水感知", "problem": "下凹桥区积水预警",
    "domain": "ai", "keywords": "积水，感知", "site": "海淀区", "budget_cny.0": "800000",
    "budget_cny.1": "2000000", "timeline.starts_on": "2027-01-01",
    "timeline.ends_on": "2027-03-31", "criteria.0.name": "技术方案", "criteria.0.weight": "60",
    "criteria.2.name": "报价", "criteria.2.weight": "40", "criteria.2.scale": "5",
    "requirements.min_trl": "6", "requirements.beijing_registered": "1",
    "deadline": "2026-12-31T18:00", "award_slots": "1",
}  # fmt: skip


def _error_beside(html: str, input_id: str, message: str) -> bool:
    """The input carries aria-describedby to a message paragraph with that text."""
    described = f'id="{input_id}"' in html and f'aria-describedby="{input_id}-error"' in html
    return described and re.search(f'id="{input_id}-error">{re.escape(message)}<', html) is not None


def test_the_form_has_labelled_criteria_rows_and_adds_one_without_calling_the_service(
    portal: Any,
) -> None:
    client, backend, _ = portal
    page = client.get("/m/scenarios/new")
    assert page.status_code == 200
    assert page.text.count('name="criteria.') == 9  # three rows of name, weight, scale
    assert 'for="f-criteria-2-weight"' in page.text and 'for="f-timeline-starts_on"' in page.text
    more = client.post("/m/scenarios/new", data={**SCENARIO, "more": "1"})
    assert more.status_code == 200 and more.text.count('name="criteria.') == 12
    assert 'value="技术方案"' in more.text  # what was typed stays
    assert backend.posted("/scenarios") == []


def test_the_scenario_is_sent_nested_and_blank_rows_are_left_out(portal: Any) -> None:
    client, backend, _ = portal
    backend.on("scenarios", "POST", "/scenarios", (201, {"id": "scn-1"}))
    answer = client.post("/m/scenarios/new", data=SCENARIO)
    assert answer.status_code == 303 and answer.headers["location"] == "/m/scenarios/scn-1"
    (body,) = backend.posted("/scenarios")
    assert body["criteria"] == [
        {"code": "c1", "name": "技术方案", "weight": 60},
        {"code": "c2", "name": "报价", "weight": 40, "scale": 5},
    ]
    assert body["timeline"] == {"starts_on": "2027-01-01", "ends_on": "2027-03-31"}
    assert body["budget_cny"] == [800000, 2000000] and body["keywords"] == ["积水", "感知"]
    assert body["deadline"] == "2026-12-31T18:00:00+08:00"
    assert body["requirements"] == {"qualifications": [], "beijing_registered": True, "min_trl": 6}


def test_a_refused_criterion_is_shown_beside_its_form_row(portal: Any) -> None:
    client, backend, _ = portal
    refusal = problem(
        422,
        ("criteria.1.weight", "必须是整数"),
        ("criteria", "评审指标权重之和须为100%（现为60）"),
        ("deadline", "申报截止时间须晚于当前时间"),
        ("body", "别的问题"),
    )
    backend.on("scenarios", "POST", "/scenarios", refusal)
    page = client.post("/m/scenarios/new", data=SCENARIO)
    assert page.status_code == 422
    assert _error_beside(page.text, "f-criteria-2-weight", "必须是整数")  # sent 2nd, row 3
    assert "评审指标权重之和须为100%（现为60）" in page.text
    assert _error_beside(page.text, "f-deadline", "申报截止时间须晚于当前时间")
    assert 'role="alert"' in page.text and "别的问题" in page.text
    assert 'value="报价"' in page.text


def test_the_operator_publishes_a_batch_and_a_refused_scenario_is_marked(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.operator)
    waiting = {"items": [
        {"id": "scn-1", "state": "submitted", "content": {"title": "甲", "domain": "ai",
                                                           "deadline": "2026-12-31T10:00:00Z"}},
        {"id": "scn-2", "state": "published", "content": {"title": "乙", "domain": "ai",
                                                           "deadline": "2026-12-31T10:00:00Z"}},
    ]}  # fmt: skip
    backend.on("scenarios", "GET", "/scenarios", (200, waiting))
    form = client.get("/m/scenarios/batch")
    assert "甲" in form.text and "乙" not in form.text  # only those waiting for a batch
    refusal = problem(409, ("scenario_ids.0", "只能发布待发布的场景"))
    backend.on("scenarios", "POST", "/batches", refusal)
    data = {"csrf": CSRF, "year": "2026", "number": "7", "title": "第七批",
            "scenario_ids": ["scn-1"]}  # fmt: skip
    page = client.post("/m/scenarios/batch", data=data)
    assert page.status_code == 409
    assert _error_beside(page.text, "f-scenario-scn-1", "只能发布待发布的场景")
    assert backend.posted("/batches")[0] == {"year": 2026, "number": 7, "title": "第七批",
                                              "scenario_ids": ["scn-1"]}  # fmt: skip
    backend.on("scenarios", "POST", "/batches", (201, {"id": "2026-7"}))
    done = client.post("/m/scenarios/batch", data=data)
    assert done.status_code == 303 and done.headers["location"] == "/m/scenarios?batch=2026-7"


def test_the_panel_is_named_by_rows_and_a_refusal_lands_on_its_row(portal: Any) -> None:
    client, backend, _ = portal
    backend.on("scenarios", "GET", "/scenarios/scn-1", (200, {"id": "scn-1", "content": {
        "title": "积水感知"}, "publisher_org_id": "org-me", "state": "published"}))  # fmt: skip
    backend.on("scenarios", "PUT", "/scenarios/scn-1/panel",
               problem(422, ("experts.0.org_id", "长度不能少于 1 个字符")))  # fmt: skip
    data = {"csrf": CSRF, "rows": "3", "experts.1.user_id": "u-9", "experts.1.org_id": ""}
    page = client.post("/m/scenarios/scn-1/panel", data=data)
    assert backend.posted("/scenarios/scn-1/panel") == [
        {"experts": [{"user_id": "u-9", "org_id": ""}]}
    ]
    assert _error_beside(page.text, "f-experts-1-org_id", "长度不能少于 1 个字符")
    backend.on("scenarios", "PUT", "/scenarios/scn-1/panel", (200, {}))
    saved = client.post("/m/scenarios/scn-1/panel", data=data)
    assert saved.headers["location"] == "/m/scenarios/scn-1/panel?saved=1"
    backend.on("scenarios", "GET", "/scenarios/scn-1/panel",
               (200, {"experts": [{"user_id": "u-9", "org_id": "org-u"}]}))  # fmt: skip
    backend.on("identity", "GET", "/organisations/org-u", (200, {"profile": {"name": "示范大学"}}))
    again = client.get("/m/scenarios/scn-1/panel?saved=1").text
    assert 'value="u-9"' in again and "机构：示范大学" in again and "专家组已保存。" in again


def test_a_saved_panel_redirects_without_reading_the_scenario(portal: Any) -> None:
    client, backend, _ = portal
    backend.on("scenarios", "PUT", "/scenarios/scn-1/panel", (200, {}))
    data = {"csrf": CSRF, "rows": "3", "experts.0.user_id": "u-9", "experts.0.org_id": "org-u"}
    saved = client.post("/m/scenarios/scn-1/panel", data=data)
    assert saved.headers["location"] == "/m/scenarios/scn-1/panel?saved=1"
    assert [(m, p) for _, m, p, _ in backend.sent] == [("PUT", "/scenarios/scn-1/panel")]


def test_a_form_without_the_csrf_token_is_refused(portal: Any) -> None:
    client, backend, _ = portal
    page = client.post("/m/scenarios/new", data={**SCENARIO, "csrf": "forged"})
    assert page.status_code == 403 and backend.posted("/scenarios") == []
