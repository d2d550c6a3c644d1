"""A self-signed-up organisation's admins hear the operator's decision (issue 17):
``identity.organisation.verified`` / ``.rejected`` read from their fixtures, the audience
(admins only), the category, the link and both languages' texts (the rejection's reason)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.notifications.domain.preferences import Category, Preferences, route
from services.notifications.domain.rules import Audience, IncomingEvent, notice_for
from services.notifications.domain.texts import link, render
from shared.events import Envelope

pytestmark = pytest.mark.unit
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "events"
ORG = "5f1c0a7e9b3d4c2a8e6f0b1d2c3a4e5f"


def fixture(event_type: str) -> IncomingEvent:
    raw = (FIXTURES / event_type / "v1.json").read_text(encoding="utf-8")
    env = Envelope.model_validate_json(raw)
    return IncomingEvent(id=env.id, type=env.type, subject=env.subject, time=env.time,
                         data=json.loads(raw)["data"])  # fmt: skip


@pytest.mark.parametrize("kind", ["verified", "rejected"])
def test_the_decision_goes_to_the_organisations_admins_only(kind: str) -> None:
    notice = notice_for(fixture(f"identity.organisation.{kind}"))
    assert notice is not None
    assert notice.category is Category.account
    assert notice.audiences == (Audience(ORG, roles=frozenset({"admin"})),)
    [audience] = notice.audiences
    assert audience.includes("u-admin", "admin")
    assert not audience.includes("u-member", "member")
    assert (notice.subject_kind, notice.subject_id) == ("organisation", ORG)
    assert link("https://portal.example", notice.subject_kind, notice.subject_id) == (
        "https://portal.example/account"
    )


def test_the_verification_reads_in_chinese_and_english() -> None:
    notice = notice_for(fixture("identity.organisation.verified"))
    assert notice is not None
    zh = render(notice.template, notice.params, "zh")
    en = render(notice.template, notice.params, "en")
    assert zh.title == "机构审核通过"
    assert "北京示例智能科技有限公司" in zh.body and "发布" in zh.body
    assert en.title == "Your organisation is verified"
    assert "北京示例智能科技有限公司" in en.body and "publish" in en.body


def test_the_rejection_carries_the_operators_reason_in_both_languages() -> None:
    notice = notice_for(fixture("identity.organisation.rejected"))
    assert notice is not None
    zh = render(notice.template, notice.params, "zh")
    en = render(notice.template, notice.params, "en")
    assert zh.title == "机构审核未通过"
    assert zh.body.endswith("原因：统一社会信用代码与企业名称不符")
    assert en.title == "Your organisation was not verified"
    assert en.body.endswith("Reason: 统一社会信用代码与企业名称不符")


def test_no_organisation_id_tells_nobody() -> None:
    event = fixture("identity.organisation.rejected")
    blank = IncomingEvent(id=event.id, type=event.type, subject=None, time=event.time,
                          data={**event.data, "organisation_id": ""})  # fmt: skip
    assert notice_for(blank) is None


def test_account_is_a_category_of_its_own_in_the_inbox_by_default() -> None:
    routing = route(Preferences(), Category.account)
    assert routing.unread and not routing.email and not routing.webhook
