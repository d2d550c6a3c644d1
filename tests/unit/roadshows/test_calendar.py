"""The calendar and the compliance view (policy 10(3): a roadshow per domain per month)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from services.roadshows.domain import calendar as cal
from shared.errors import ConflictError, InvalidInput
from shared.transitions import InvalidTransition
from tests.unit.roadshows.conftest import NOW, roadshow, spec

pytestmark = pytest.mark.unit
BJ = cal.BEIJING


def test_months_are_beijing_months() -> None:
    late_utc = dt.datetime(2025, 3, 31, 17, 0, tzinfo=dt.UTC)  # 1 April, 01:00 in Beijing
    assert cal.month_of(late_utc) == "2025-04"
    start, end = cal.month_bounds("2025-12")
    assert (start.month, end.year, end.month) == (12, 2026, 1)
    assert cal.months_from("2025-11", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"ends_at": NOW}, "ends_at must be after"),
        ({"venue": None}, "venue or an online link"),
        ({"pitch_slots": 0}, "greater than or equal"),
        ({"domain": "astrology"}, "unknown domain"),
        ({"online_url": "ftp://x"}, "pattern"),
    ],
)
def test_bad_roadshows(override: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        spec(**override)


def test_an_online_roadshow_needs_no_venue() -> None:
    assert spec(venue=None, online_url="https://meeting.example.cn/rs").venue is None


def test_schedule_refuses_the_past_and_stamps_the_month() -> None:
    with pytest.raises(InvalidInput) as err:
        cal.schedule("rs", "op", spec(-1), NOW)
    assert err.value.field == "starts_at"
    assert roadshow().month == "2025-03"


def test_open_cancel_close() -> None:
    rs = roadshow(48)
    cal.ensure_open(rs, NOW)
    with pytest.raises(ConflictError, match="started"):
        cal.ensure_open(rs, NOW + dt.timedelta(hours=49))
    with pytest.raises(ConflictError) as early:
        cal.close(rs, 1, 0, NOW)
    assert early.value.code == "not_over"
    held = cal.close(rs, 3, 1, NOW + dt.timedelta(hours=52))
    assert held.entity.state is cal.RoadshowState.held and held.events == ("held",)
    cancelled = cal.cancel(rs, "场地", NOW).entity
    with pytest.raises(ConflictError) as err:
        cal.ensure_open(cancelled, NOW)
    assert err.value.code == "roadshow_cancelled"
    with pytest.raises(InvalidTransition):
        cal.cancel(held.entity, "", NOW)
    assert rs.cancel_deadline == rs.content.starts_at - dt.timedelta(hours=24)
    assert rs.meeting_start(3) == rs.content.ends_at + dt.timedelta(minutes=40)


def _at(month_day: tuple[int, int], hour: int = 10) -> dt.datetime:
    return dt.datetime(2025, month_day[0], month_day[1], hour, tzinfo=BJ)


def _rs(day: tuple[int, int], state: cal.RoadshowState = cal.RoadshowState.scheduled,
        domain: str = "ai") -> cal.Roadshow:  # fmt: skip
    start = _at(day, 14)
    s = spec().model_copy(update={"starts_at": start, "ends_at": start + dt.timedelta(hours=2),
                                  "domain": domain})  # fmt: skip
    return cal.Roadshow(id=f"rs-{day}", organiser_org_id="op", content=s, month=cal.month_of(start),
                        state=state, created_at=NOW, updated_at=NOW)  # fmt: skip


S, C, H = cal.RoadshowState.scheduled, cal.RoadshowState.cancelled, cal.RoadshowState.held


@pytest.mark.parametrize(
    ("roadshows", "now", "status", "flag"),
    [
        ([], (3, 10), "open", False),  # 22 days left, none yet
        ([], (3, 24), "open", False),  # 8 days left
        ([], (3, 25), "at_risk", True),  # 7 days left: about to be missed
        ([], (3, 31), "at_risk", True),
        ([], (4, 2), "missed", False),  # the month ended without one
        ([((3, 28), S)], (3, 26), "scheduled", False),  # on the calendar: not flagged
        ([((3, 28), C)], (3, 26), "at_risk", True),  # a cancelled one does not count
        ([((3, 5), S)], (3, 26), "met", False),  # took place (its end has passed)
        ([((3, 5), H)], (4, 10), "met", False),
        ([((3, 28), C)], (4, 10), "missed", False),
        ([((4, 3), S)], (3, 26), "at_risk", True),  # next month's does not count for March
        ([((3, 28), S, "ic")], (3, 26), "at_risk", True),  # another domain's neither
    ],
)  # fmt: skip
def test_compliance(roadshows: list[tuple], now: tuple[int, int], status: str, flag: bool) -> None:
    found = [_rs(*r) for r in roadshows]
    (cell,) = cal.compliance(["2025-03"], ["ai"], found, _at(now))
    assert (cell.status, cell.about_to_be_missed) == (status, flag)


def test_compliance_counts_and_days_left() -> None:
    found = [_rs((3, 5)), _rs((3, 28)), _rs((3, 12), C)]
    cells = cal.compliance(["2025-03", "2025-04"], ["ai", "ic"], found, _at((3, 20)))
    by = {(c.month, c.domain): c for c in cells}
    assert (by["2025-03", "ai"].held, by["2025-03", "ai"].scheduled) == (1, 1)
    assert by["2025-03", "ic"].status == "open" and by["2025-03", "ic"].days_left == 12
    assert by["2025-04", "ai"].status == "open" and by["2025-04", "ai"].days_left == 30
