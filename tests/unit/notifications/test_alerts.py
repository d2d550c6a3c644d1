"""Monitoring alerts (reporting.alert.raised): the rule for each audience, the group
audiences resolved through the organisation directory, and a Chinese-first text with an
English one for every alert kind."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import get_args

import pytest

from services.notifications.domain.groups import DirectoryEntry, Group, members
from services.notifications.domain.preferences import Category
from services.notifications.domain.rules import IncomingEvent, notice_for, with_members
from services.notifications.domain.texts import link, render
from shared.events.contracts.reporting import AlertKind, AlertRaised

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "events" / "reporting.alert.raised"
NOW = dt.datetime(2025, 6, 24, 1, 0, tzinfo=dt.UTC)

DIRECTORY = [
    DirectoryEntry(organisation_id="gov-haidian", type="government", kind="district",
                   district="haidian"),
    DirectoryEntry(organisation_id="gov-chaoyang", type="government", kind="district",
                   district="chaoyang"),
    DirectoryEntry(organisation_id="dept-finance", type="government", kind="department"),
    DirectoryEntry(organisation_id="ops", type="operator"),
    DirectoryEntry(organisation_id="ent-haidian", type="enterprise", district="haidian"),
]  # fmt: skip


def fixture(name: str) -> IncomingEvent:
    env = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return IncomingEvent(id=env["id"], type=env["type"], subject=env["subject"],
                         time=dt.datetime.fromisoformat(env["time"]), data=env["data"])  # fmt: skip


def alert(kind: str, audience: str = "organisation", **data: object) -> IncomingEvent:
    payload = AlertRaised.model_validate({
        "alert_id": f"{kind}:x", "kind": kind, "audience": audience,
        "recipient_org_id": "org-1" if audience == "organisation" else None,
        "subject_kind": "tech_need", "subject_id": "need-1", "raised_at": NOW,
        "title_zh": "标题", "title_en": "title", **data,
    })  # fmt: skip
    return IncomingEvent(id=f"ev-{kind}", type="reporting.alert.raised", subject=payload.alert_id,
                         time=NOW, data=payload.model_dump(mode="json"))  # fmt: skip


def resolved(event: IncomingEvent) -> list[str]:
    notice = notice_for(event)
    assert notice is not None
    full = with_members(notice, members(notice.groups, DIRECTORY))
    return [a.organisation_id for a in full.audiences]


def test_organisation_audience_is_the_recipient_org() -> None:
    notice = notice_for(fixture("v1.json"))
    assert notice is not None
    assert [a.organisation_id for a in notice.audiences] == ["org-ent-01"]
    assert notice.groups == () and notice.category is Category.alert
    assert (notice.subject_kind, notice.subject_id) == ("tech_need", "need-0001")
    zh = render(notice.template, notice.params, "zh")
    assert zh.title == "监测预警：技术需求发布30天仍无匹配推荐、合作意向"
    assert "“储能热管理”" in zh.body and "30天" in zh.body
    en = render(notice.template, notice.params, "en")
    assert (
        en.title == "Alert: no match or expression of interest for your technology need in 30 days"
    )


def test_district_audience_is_that_districts_government_and_the_operators() -> None:
    notice = notice_for(fixture("v1-district.json"))
    assert notice is not None and notice.audiences == ()
    assert notice.groups == (Group("district_government", "haidian"), Group("operators"))
    # not Chaoyang's government, not a department, not an enterprise in Haidian
    assert sorted(resolved(fixture("v1-district.json"))) == ["gov-haidian", "ops"]
    zh = render(notice.template, notice.params, "zh")
    assert zh.title == "监测预警：海淀区培育清单已一个季度未更新" and "90天" in zh.body
    en = render(notice.template, notice.params, "en")
    assert en.title == "Alert: the cultivation list of Haidian District is unchanged for a quarter"
    assert link("http://p", notice.subject_kind, notice.subject_id) == (
        "http://p/reports?district=haidian"
    )


def test_operators_audience_is_every_operator_organisation() -> None:
    notice = notice_for(fixture("v1-operators.json"))
    assert notice is not None and notice.groups == (Group("operators"),)
    assert resolved(fixture("v1-operators.json")) == ["ops"]
    zh = render(notice.template, notice.params, "zh")
    assert zh.title == "监测预警：2025-06月度对接路演可能落空"
    assert "2025-07-01 00:00" in zh.body  # due at the month's end, Beijing time
    assert link("http://p", notice.subject_kind, notice.subject_id) == "http://p/compliance"


def test_a_group_nobody_is_in_yet_resolves_to_no_audience() -> None:
    notice = notice_for(alert("cultivation_stale", "district", district="yanqing",
                              subject_kind="district", subject_id="yanqing"))  # fmt: skip
    assert notice is not None
    assert with_members(notice, members(notice.groups, [])).audiences == ()
    assert resolved(alert("roadshow_month_at_risk", "operators")) == ["ops"]


def test_an_organisation_already_named_is_not_added_twice() -> None:
    notice = notice_for(alert("catalogue_expiring", recipient_org_id="ops"))
    assert notice is not None
    extra = replace(notice, groups=(Group("operators"),))
    assert [a.organisation_id for a in with_members(extra, {Group("operators"): ["ops"]})
            .audiences] == ["ops"]  # fmt: skip


@pytest.mark.parametrize("kind", get_args(AlertKind))
def test_every_alert_kind_has_its_own_zh_and_en_text(kind: str) -> None:
    event = alert(kind, due_at="2025-06-25T04:30:00Z", district="haidian",
                  detail={"title": "储能", "days": "30", "month": "2025-06",
                          "no_match": "true", "no_interest": "false"})  # fmt: skip
    notice = notice_for(event)
    assert notice is not None
    assert notice.template == f"reporting.alert.{kind}"
    zh = render(notice.template, notice.params, "zh")
    en = render(notice.template, notice.params, "en")
    assert zh.title.startswith("监测预警：") and en.title.startswith("Alert: ")
    assert re.search(r"[\u4e00-\u9fff]", zh.body) and not re.search(r"[\u4e00-\u9fff]", en.title)
    for text in (zh.title, zh.body, en.title, en.body):
        assert "{" not in text and "  " not in text
    if kind in ("interest_expiring", "claim_expiring", "catalogue_expiring"):
        assert "2025-06-25 12:30" in zh.body and "2025-06-25 12:30" in en.body


def test_a_demand_lacking_only_an_answer_says_so() -> None:
    detail = {"days": "30", "no_match": "false", "no_interest": "true"}
    notice = notice_for(alert("demand_unanswered", subject_kind="talent_demand", detail=detail))
    assert notice is not None
    assert render(notice.template, notice.params, "zh").title == (
        "监测预警：人才需求发布30天仍无猎头认领"
    )


def test_a_kind_without_a_text_reads_the_producers_titles() -> None:
    event = alert("demand_unanswered")
    event = IncomingEvent(event.id, event.type, event.subject, event.time,
                          {**event.data, "kind": "something_new"})  # fmt: skip
    notice = notice_for(event)
    assert notice is not None and notice.template == "reporting.alert"
    assert render(notice.template, notice.params, "zh").title == "监测预警：标题"


def test_directory_groups_come_from_type_kind_and_district() -> None:
    groups = {e.organisation_id: e.groups() for e in DIRECTORY}
    assert groups == {
        "gov-haidian": [Group("district_government", "haidian")],
        "gov-chaoyang": [Group("district_government", "chaoyang")],
        "dept-finance": [], "ops": [Group("operators")], "ent-haidian": [],
    }  # fmt: skip
