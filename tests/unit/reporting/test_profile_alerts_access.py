"""Enterprise profiles, monitoring alerts and who may see what."""

from __future__ import annotations

import datetime as dt

import pytest

from services.reporting.domain.access import AccessDenied, Viewer, check_profile, report_scope
from services.reporting.domain.alerts import Thresholds, due_alerts
from services.reporting.domain.profile import enterprise_profile
from tests.support.reporting import BJ, YEAR, known_events
from tests.unit.reporting.test_read_model import model_of

pytestmark = pytest.mark.unit


def test_profile_shows_tiers_records_matches_and_outcomes() -> None:
    profile = enterprise_profile(model_of(known_events()), "ent-a")
    assert profile is not None
    assert profile["district"] == "haidian" and profile["tiers"] == ["small_to_scale"]
    assert [h["tier"] for h in profile["tier_history"]] == [
        "cultivation", "small_to_scale", "cultivation"]  # fmt: skip
    assert profile["published"] == {"techtransfer": 1, "catalogue": 1, "roadshows": 1}
    assert profile["matches"] == 2  # need-1|off-1, and scn-1 suggested to its capability
    assert profile["outcomes"] == {"deal": 1, "purchased": 1, "invested": 1, "deal_as_party": 1}
    assert profile["answered"]["catalogue.listing_application"] == 1


def test_disputed_deal_is_not_an_outcome_for_the_enterprise() -> None:
    profile = enterprise_profile(model_of(known_events()), "ent-b")
    assert profile is not None
    assert "deal" not in profile["outcomes"] and profile["outcomes"]["hired"] == 1


def test_unknown_organisation_has_no_profile() -> None:
    assert enterprise_profile(model_of(known_events()), "nobody") is None


def ts(month: int, day: int, hour: int = 12) -> float:
    return dt.datetime(YEAR, month, day, hour, tzinfo=BJ).timestamp()


def test_alerts_on_a_day_in_may() -> None:
    # 19 May: need-2 (15 Mar) has had 30 days without match or interest; dem-1 has no match;
    # int-3 expires on 20 May unanswered; May has no roadshow and ends in 12 days (no alert).
    alerts = {a.id: a for a in due_alerts(model_of(known_events()), ts(5, 19))}
    assert alerts["demand_unanswered:need-2"].recipient_org_id == "ent-b"
    assert alerts["demand_unanswered:need-2"].detail["no_match"] == "true"
    expected = {"no_match": "true", "no_interest": "false", "title": "验证工程师", "days": "30"}
    assert alerts["demand_unanswered:dem-1"].detail == expected
    assert alerts["interest_expiring:interest:int-3"].recipient_org_id == "ent-b"
    assert "demand_unanswered:need-1" not in alerts  # matched and answered
    assert not [a for a in alerts if a.startswith("roadshow_month")]


def test_month_without_roadshow_warns_in_its_last_week() -> None:
    alerts = {a.id for a in due_alerts(model_of(known_events()), ts(5, 27))}
    assert f"roadshow_month:{YEAR}-05" in alerts
    assert f"roadshow_month:{YEAR}-03" not in {
        a.id for a in due_alerts(model_of(known_events()), ts(3, 27))}  # fmt: skip


def test_claim_with_a_candidate_is_not_unanswered() -> None:
    alerts = {a.id for a in due_alerts(model_of(known_events()), ts(5, 1, 0))}
    assert not [a for a in alerts if a.startswith("claim_expiring")]


def test_catalogue_entry_expiring_and_stale_cultivation_list() -> None:
    model = model_of(known_events())
    th = Thresholds(catalogue_listing_days=120)  # listed 25 Jan: valid until 25 May
    alerts = {a.id: a for a in due_alerts(model, ts(5, 1), th)}
    [entry] = [a for a in alerts.values() if a.kind == "catalogue_expiring"]
    assert entry.subject_id == "prod-1" and entry.recipient_org_id == "ent-a"
    # chaoyang's list last changed on 1 Dec 2024; haidian's on 2 June 2025
    stale = {a.district for a in alerts.values() if a.kind == "cultivation_stale"}
    assert "chaoyang" in stale and "haidian" not in stale
    later = {a.district for a in due_alerts(model, ts(10, 1)) if a.kind == "cultivation_stale"}
    assert "haidian" in later


OPERATOR = Viewer("op", "operator")
HAIDIAN = Viewer("gov-hd", "government", "haidian", "district")
CHAOYANG = Viewer("gov-cy", "government", "chaoyang", "district")
DEPARTMENT = Viewer("dept-1", "government", None, "department")


@pytest.mark.parametrize(
    ("viewer", "allowed"),
    [(OPERATOR, True), (HAIDIAN, True), (CHAOYANG, False), (DEPARTMENT, False),
     (Viewer("ent-a", "enterprise", "haidian"), True), (Viewer("ent-b", "enterprise"), False),
     (Viewer("uni-1", "university", "haidian"), False)],
)  # fmt: skip
def test_who_sees_ent_a(viewer: Viewer, allowed: bool) -> None:
    model = model_of(known_events())
    if allowed:
        check_profile(viewer, model.orgs["ent-a"], "ent-a")
    else:
        with pytest.raises(AccessDenied):
            check_profile(viewer, model.orgs["ent-a"], "ent-a")


def test_report_scopes() -> None:
    assert report_scope(OPERATOR, None) is None and report_scope(OPERATOR, "miyun") == "miyun"
    assert (
        report_scope(HAIDIAN, None) == "haidian" and report_scope(HAIDIAN, "haidian") == "haidian"
    )
    for viewer, district in ((HAIDIAN, "chaoyang"), (DEPARTMENT, None),
                             (Viewer("ent-a", "enterprise", "haidian"), "haidian")):  # fmt: skip
        with pytest.raises(AccessDenied):
            report_scope(viewer, district)
