"""Tier rules: the cultivation list at the two-year boundary, and manual changes."""

import datetime as dt

import pytest

from services.identity.domain.organisations import HighTechCertificate
from services.identity.domain.tiers import (
    PlannedChange,
    Tier,
    TierRuleError,
    TierState,
    apply_change,
    automatic_changes,
    is_under_two,
    manual_change,
    second_anniversary,
)

pytestmark = pytest.mark.unit

FOUNDED = dt.date(2022, 6, 15)
AT = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
CERT = HighTechCertificate(number="GR202211001234", expires_on=dt.date(2026, 12, 1))


def auto_on() -> TierState:
    return apply_change(TierState(), PlannedChange(Tier.cultivation, "added", "auto", True), AT)


def test_second_anniversary_and_leap_day() -> None:
    assert second_anniversary(FOUNDED) == dt.date(2024, 6, 15)
    assert second_anniversary(dt.date(2020, 2, 29)) == dt.date(2022, 3, 1)
    assert is_under_two(dt.date(2020, 2, 29), dt.date(2022, 2, 28))
    assert not is_under_two(dt.date(2020, 2, 29), dt.date(2022, 3, 1))


@pytest.mark.parametrize(
    ("today", "under_two"),
    [
        (dt.date(2022, 6, 15), True),  # founding day
        (dt.date(2024, 6, 14), True),  # the last day before turning two
        (dt.date(2024, 6, 15), False),  # turns two: 已满两年
        (dt.date(2024, 6, 16), False),
    ],
)
def test_two_year_boundary(today: dt.date, under_two: bool) -> None:
    assert is_under_two(FOUNDED, today) is under_two
    added = automatic_changes(TierState(), FOUNDED, None, today)
    removed = automatic_changes(auto_on(), FOUNDED, None, today)
    if under_two:
        assert [(c.tier, c.action, c.automatic) for c in added] == [
            (Tier.cultivation, "added", True)
        ]
        assert removed == []
    else:
        assert added == []
        assert [(c.tier, c.action) for c in removed] == [(Tier.cultivation, "removed")]


def test_certification_takes_a_young_enterprise_off_and_keeps_it_off() -> None:
    today = dt.date(2023, 1, 1)
    assert automatic_changes(TierState(), FOUNDED, CERT, today) == []
    (change,) = automatic_changes(auto_on(), FOUNDED, CERT, today)
    assert change.action == "removed" and "高新技术企业" in change.reason


def test_expired_certificate_does_not_count() -> None:
    expired = HighTechCertificate(number="GR201911001234", expires_on=dt.date(2022, 12, 31))
    (change,) = automatic_changes(TierState(), FOUNDED, expired, dt.date(2023, 1, 1))
    assert change.action == "added"


def test_manual_cultivation_entry_survives_the_second_birthday_but_not_certification() -> None:
    manual = apply_change(
        TierState(), PlannedChange(Tier.cultivation, "added", "区推荐", False), AT
    )
    assert automatic_changes(manual, FOUNDED, None, dt.date(2030, 1, 1)) == []
    assert automatic_changes(manual, FOUNDED, CERT, dt.date(2025, 1, 1))[0].action == "removed"


def test_manual_removal_suppresses_the_automatic_rule_until_re_added() -> None:
    today = dt.date(2023, 1, 1)
    removed = apply_change(
        auto_on(), PlannedChange(Tier.cultivation, "removed", "核查不符", False), AT
    )
    assert removed.auto_cultivation_suppressed
    assert automatic_changes(removed, FOUNDED, None, today) == []
    readded = apply_change(removed, PlannedChange(Tier.cultivation, "added", "复核", False), AT)
    assert not readded.auto_cultivation_suppressed


def test_scale_lists_need_a_valid_certificate() -> None:
    today = dt.date(2025, 1, 1)
    with pytest.raises(TierRuleError) as info:
        manual_change(TierState(), Tier.small_to_scale, "add", "推荐", None, today)
    assert info.value.reason == "not_certified" and not info.value.conflict
    change = manual_change(TierState(), Tier.scale_to_strong, "add", "推荐", CERT, today)
    assert change == PlannedChange(Tier.scale_to_strong, "added", "推荐", False)


def test_conflicts() -> None:
    today = dt.date(2023, 1, 1)
    with pytest.raises(TierRuleError) as info:
        manual_change(auto_on(), Tier.cultivation, "add", "again", None, today)
    assert info.value.conflict and info.value.reason == "already_on_list"
    with pytest.raises(TierRuleError) as info:
        manual_change(TierState(), Tier.small_to_scale, "remove", "x", CERT, today)
    assert info.value.conflict and info.value.reason == "not_on_list"
    with pytest.raises(TierRuleError) as info:
        manual_change(TierState(), Tier.cultivation, "add", "x", CERT, today)
    assert info.value.reason == "already_certified"
