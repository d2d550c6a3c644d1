"""Notifications domain: signing, backoff, preferences and routing, rules, texts, ids."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from pydantic import ValidationError

from services.notifications.domain import ids
from services.notifications.domain.backoff import BackoffPolicy
from services.notifications.domain.preferences import (
    Cadence,
    Category,
    CategoryChoice,
    Channel,
    Preferences,
    next_digest_at,
    route,
)
from services.notifications.domain.rules import IncomingEvent, notice_for, topics
from services.notifications.domain.signing import signature, signed_headers, verify
from services.notifications.domain.texts import language_of, link, render

pytestmark = pytest.mark.unit

NOW = dt.datetime(2024, 6, 15, 3, 0, tzinfo=dt.UTC)  # 11:00 in Beijing


def event(type_: str, data: dict, subject: str | None = "agg-1") -> IncomingEvent:
    return IncomingEvent(id="ev-1", type=type_, subject=subject, time=NOW, data=data)


# --- signing ---------------------------------------------------------------------------


def test_signature_verifies_and_rejects_tampering() -> None:
    body = b'{"a":1}'
    headers = signed_headers("whsec_x", 1_700_000_000, body)
    ts, sig = headers["X-Duijie-Timestamp"], headers["X-Duijie-Signature"]
    assert sig.startswith("v1=") and len(sig) == 3 + 64
    assert verify("whsec_x", ts, sig, body, now=1_700_000_010)
    assert not verify("whsec_x", ts, sig, b'{"a":2}', now=1_700_000_010)
    assert not verify("whsec_y", ts, sig, body, now=1_700_000_010)
    assert not verify("whsec_x", str(int(ts) + 1), sig, body, now=1_700_000_010)
    assert not verify("whsec_x", ts, sig, body, now=1_700_000_000 + 301)  # stale
    assert not verify("whsec_x", "not-a-number", sig, body, now=1_700_000_010)


def test_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"42." + b"body", hashlib.sha256).hexdigest()
    assert signature("k", 42, b"body") == f"v1={expected}"
    assert verify("k", "42", f"v1=deadbeef, v1={expected}", b"body", now=42)


# --- backoff ---------------------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap_and_gives_up() -> None:
    policy = BackoffPolicy(base=2, cap=10, jitter=0, max_attempts=4)
    assert [policy.delay(n) for n in range(1, 6)] == [2, 4, 8, 10, 10]
    assert not policy.exhausted(3) and policy.exhausted(4)
    assert policy.next_attempt_at(1, NOW) == NOW + dt.timedelta(seconds=2)


def test_backoff_jitter_stays_within_its_fraction() -> None:
    policy = BackoffPolicy(base=10, cap=1000, jitter=0.2)
    rng = random.Random(7)
    delays = [policy.delay(3, rng) for _ in range(200)]
    assert all(32 <= d <= 48 for d in delays)
    assert len(set(delays)) > 100


# --- preferences -----------------------------------------------------------------------


def test_defaults_are_in_app_immediate_for_every_category() -> None:
    prefs = Preferences()
    assert all(c == CategoryChoice() for c in prefs.complete().values())
    assert set(prefs.complete()) == set(Category)
    r = route(prefs, Category.match)
    assert r.unread and not r.email and not r.webhook and not r.digest


def test_email_needs_an_address_and_addresses_are_checked_without_echo() -> None:
    choice = {Category.match: CategoryChoice(channel=Channel.email)}
    with pytest.raises(ValidationError):
        Preferences(categories=choice)
    with pytest.raises(ValidationError) as info:
        Preferences(email="not an address", categories=choice)
    assert "not a valid e-mail address" in str(info.value)
    prefs = Preferences(email="zhang.wei@example.cn", categories=choice)
    assert "zhang.wei" not in repr(prefs)


@pytest.mark.parametrize(
    ("channel", "cadence", "expected"),
    [
        (Channel.in_app, Cadence.immediate, (True, False, False, False)),
        (Channel.email, Cadence.immediate, (True, True, False, False)),
        (Channel.email, Cadence.daily_digest, (True, True, False, True)),
        (Channel.webhook, Cadence.daily_digest, (True, False, True, False)),
        (Channel.off, Cadence.immediate, (False, False, False, False)),
    ],
)
def test_route(channel: Channel, cadence: Cadence, expected: tuple[bool, ...]) -> None:
    prefs = Preferences(
        email="a@example.cn",
        categories={Category.meeting: CategoryChoice(channel=channel, cadence=cadence)},
    )
    r = route(prefs, Category.meeting)
    assert (r.unread, r.email, r.webhook, r.digest) == expected
    assert route(prefs, Category.match).unread  # other categories keep the default


def test_next_digest_is_the_next_beijing_digest_hour() -> None:
    # 11:00 Beijing -> tomorrow 08:00 Beijing = 00:00 UTC
    assert next_digest_at(NOW, 8) == dt.datetime(2024, 6, 16, 0, 0, tzinfo=dt.UTC)
    early = dt.datetime(2024, 6, 14, 22, 0, tzinfo=dt.UTC)  # 06:00 Beijing on the 15th
    assert next_digest_at(early, 8) == dt.datetime(2024, 6, 15, 0, 0, tzinfo=dt.UTC)
    exactly = dt.datetime(2024, 6, 15, 0, 0, tzinfo=dt.UTC)
    assert next_digest_at(exactly, 8) == dt.datetime(2024, 6, 16, 0, 0, tzinfo=dt.UTC)


# --- rules -----------------------------------------------------------------------------

MATCH = {
    "match_id": "need-1|offer-2", "trigger": "ranking", "reason": "entered_top",
    "recipient_org_id": "org-demand", "demand_id": "need-1", "demand_kind": "tech_need",
    "demand_org_id": "org-demand", "supply_id": "offer-2", "supply_kind": "tech_offer",
    "supply_org_id": "org-supply", "score": 3.2, "rank": 2, "summary": "matched: 储能",
}  # fmt: skip


def test_match_goes_to_the_recipient_org_and_links_the_counterpart() -> None:
    notice = notice_for(event("matching.match.suggested", MATCH))
    assert notice is not None
    assert [(a.organisation_id, a.user_id) for a in notice.audiences] == [("org-demand", None)]
    assert (notice.category, notice.subject_kind, notice.subject_id) == (
        Category.match, "tech_offer", "offer-2",
    )  # fmt: skip
    assert notice.template == "matching.match.suggested"


def test_a_match_says_which_of_the_recipients_own_records_it_is_for() -> None:
    demander = notice_for(event("matching.match.suggested", MATCH))
    supplier = notice_for(event("matching.match.suggested", {**MATCH, "side": "supply",
                                "recipient_org_id": "org-supply"}))  # fmt: skip
    saved = notice_for(event("matching.match.suggested", {
        "trigger": "saved_search", "recipient_org_id": "org-a", "record_id": "offer-9",
        "record_kind": "tech_offer", "user_id": "u-42", "saved_search_id": "ss-1",
    }))  # fmt: skip
    assert demander is not None and supplier is not None and saved is not None
    assert (demander.regarding_kind, demander.regarding_id) == ("tech_need", MATCH["demand_id"])
    assert (supplier.regarding_kind, supplier.regarding_id) == ("tech_offer", "offer-2")
    assert (saved.regarding_kind, saved.regarding_id) == ("saved_search", "ss-1")
    other = notice_for(event("techtransfer.interest.expressed", {"owner_org_id": "o"}))
    assert other is not None and other.regarding_id is None


def test_saved_search_hit_goes_to_that_user_only() -> None:
    data = {
        "match_id": "ss-1|offer-9", "trigger": "saved_search", "reason": "saved_search",
        "recipient_org_id": "org-a", "record_id": "offer-9", "record_kind": "tech_offer",
        "user_id": "u-42", "saved_search_id": "ss-1",
    }  # fmt: skip
    notice = notice_for(event("matching.match.suggested", data))
    assert notice is not None
    audience = notice.audiences[0]
    assert audience.includes("u-42", "member") and not audience.includes("u-43", "admin")
    assert (notice.subject_kind, notice.subject_id) == ("tech_offer", "offer-9")
    assert notice.template == "matching.match.saved_search"


def test_workflow_rules_read_nested_or_flat_party_fields() -> None:
    nested = {"owner": {"org_id": "org-owner", "kind": "university"}, "record_kind": "tech_offer"}
    notice = notice_for(event("techtransfer.interest.expressed", nested, subject="int-1"))
    assert notice is not None and notice.audiences[0].organisation_id == "org-owner"
    assert (notice.subject_kind, notice.subject_id) == ("interest", "int-1")
    flat = {"requester_org_id": "org-r", "invitee_org_id": "org-i"}
    both = notice_for(event("techtransfer.meeting.scheduled", flat))
    assert both is not None
    assert [a.organisation_id for a in both.audiences] == ["org-r", "org-i"]


def test_unknown_types_and_missing_audiences_tell_nobody() -> None:
    assert notice_for(event("techtransfer.need.published", {"owner_org_id": "x"})) is None
    assert notice_for(event("techtransfer.interest.expressed", {})) is None


def test_topics_are_service_and_entity() -> None:
    assert {"matching.match", "identity.enterprise", "techtransfer.interest"} <= set(topics())


# --- texts -----------------------------------------------------------------------------


def test_texts_in_chinese_and_english() -> None:
    notice = notice_for(event("matching.match.suggested", MATCH))
    assert notice is not None
    zh = render(notice.template, notice.params, "zh")
    en = render(notice.template, notice.params, "en")
    assert zh.title == "新的匹配推荐：科技成果"
    assert "技术需求" in zh.body and "排名第2位" in zh.body
    assert en.title == "New match: technology achievement"
    assert "ranked #2" in en.body and "technology need" in en.body


def test_tier_change_text_and_missing_fields_render_blank() -> None:
    params = {"tier": "small_to_scale", "action": "added", "reason": "区政府推荐"}
    zh = render("identity.enterprise.tier_changed", params, "zh")
    assert zh.title == "企业清单变动：已纳入“小升规”清单"
    assert render("techtransfer.interest.accepted", {}, "en").body.startswith(
        "Your interest in the record was accepted"
    )
    assert render("no.such.type", {}, "zh").title == "新的通知"


def test_language_and_link() -> None:
    assert language_of("en-US") == "en" and language_of("zh-CN") == "zh"
    assert language_of(None) == "zh"
    assert link("http://portal/", "tech_offer", "o-1") == "http://portal/techtransfer/offers/o-1"
    assert link("http://portal", "weird", "x") == "http://portal/records/x"


def test_ids_are_deterministic_per_event_and_recipient() -> None:
    assert ids.message_id("e", "u") == ids.message_id("e", "u")
    assert ids.message_id("e", "u") != ids.message_id("e", "v")
    assert ids.webhook_job_id("e", "h") != ids.email_job_id(ids.message_id("e", "h"))


def test_a_reported_deal_goes_to_the_other_side_only() -> None:
    data = {"deal_id": "d-1", "supplier_org_id": "uni", "recipient_org_id": "ent",
            "reported_by_org_id": "ent", "record_kind": "tech_offer"}  # fmt: skip
    notice = notice_for(event("techtransfer.deal.reported", data))
    assert notice is not None
    assert [a.organisation_id for a in notice.audiences] == ["uni"]
    assert (notice.category, notice.subject_kind, notice.subject_id) == (
        Category.deal, "deal", "d-1",
    )  # fmt: skip


def test_scheduled_meeting_shows_beijing_time_and_table() -> None:
    data = {"meeting_id": "m-1", "requester_org_id": "a", "invitee_org_id": "b",
            "starts_at": "2024-06-20T02:30:00+00:00", "table": 7}  # fmt: skip
    notice = notice_for(event("techtransfer.meeting.scheduled", data))
    assert notice is not None and len(notice.audiences) == 2
    zh = render(notice.template, notice.params, "zh")
    assert zh.body == "您的一对一会谈已排定：2024-06-20 10:30，7号桌。"
    declined = notice_for(event("techtransfer.interest.declined",
                                {"interested_org_id": "x", "reason": "方向不符"}))  # fmt: skip
    assert declined is not None
    assert "方向不符" in render(declined.template, declined.params, "zh").body
