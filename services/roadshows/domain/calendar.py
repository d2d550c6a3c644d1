"""The operator's monthly calendar of domain roadshows, and the compliance view.

Policy 10(3): at least one docking meeting per domain every month. A (month, domain) is
``met`` once a roadshow of it has taken place, ``scheduled`` while one is on the
calendar, ``at_risk`` (about to be missed) when none is scheduled with 7 days or fewer
left, ``missed`` when the month ended without one, else ``open``. Months are Beijing time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from services.roadshows.domain.records import DomainCode
from shared.errors import ConflictError, InvalidInput
from shared.limits import Moment, ShortText, Text, Title, Url
from shared.transitions import Transition, step

BEIJING = ZoneInfo("Asia/Shanghai")
AT_RISK_DAYS = 7


class RoadshowIn(BaseModel):
    """Date, domain or topic, venue or online link, pitch slots, investor seats."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title  # type: ignore[valid-type]
    domain: DomainCode
    topic: ShortText = ""  # type: ignore[valid-type]
    description: Text = ""  # type: ignore[valid-type]
    starts_at: Moment  # type: ignore[valid-type]
    ends_at: Moment  # type: ignore[valid-type]
    venue: ShortText | None = None  # type: ignore[valid-type]
    online_url: Url | None = None
    pitch_slots: StrictInt = Field(ge=1, le=50)
    investor_seats: StrictInt = Field(ge=1, le=2000)
    cancel_cutoff_hours: StrictInt = Field(24, ge=0, le=168, description="seat cancel cut-off")
    meeting_slots: StrictInt = Field(6, ge=1, le=24, description="1:1 slots after the pitches")
    meeting_minutes: StrictInt = Field(20, ge=10, le=120)
    meeting_tables: StrictInt = Field(10, ge=1, le=200)

    @model_validator(mode="after")
    def _consistent(self) -> RoadshowIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("结束时间必须晚于开始时间 / ends_at must be after starts_at")
        if not self.venue and not self.online_url:
            raise ValueError("需填写场地或线上链接 / give a venue or an online link")
        return self


class RoadshowState(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"
    held = "held"


TABLE = {
    (RoadshowState.scheduled, "cancel"): (RoadshowState.cancelled, "cancelled"),
    (RoadshowState.scheduled, "close"): (RoadshowState.held, "held"),
}


class Roadshow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    organiser_org_id: str
    content: RoadshowIn
    month: str
    state: RoadshowState = RoadshowState.scheduled
    reason: str = ""
    attended: int = 0
    no_shows: int = 0
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0

    @property
    def cancel_deadline(self) -> dt.datetime:
        return self.content.starts_at - dt.timedelta(hours=self.content.cancel_cutoff_hours)

    def meeting_start(self, slot: int) -> dt.datetime:
        return self.content.ends_at + dt.timedelta(
            minutes=self.content.meeting_minutes * (slot - 1)
        )


def month_of(moment: dt.datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m")


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a YYYY-MM month in Beijing time."""
    year, mon = (int(x) for x in month.split("-"))
    start = dt.datetime(year, mon, 1, tzinfo=BEIJING)
    end = dt.datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=BEIJING)
    return start, end


def schedule(rid: str, organiser: str, spec: RoadshowIn, now: dt.datetime) -> Transition[Roadshow]:
    if spec.starts_at <= now:
        raise InvalidInput(
            "starts_at", "starts_in_past", zh="开始时间必须晚于当前时间",
            en="starts_at must lie in the future",
        )  # fmt: skip
    rs = Roadshow(
        id=rid, organiser_org_id=organiser, content=spec, month=month_of(spec.starts_at),
        created_at=now, updated_at=now,
    )  # fmt: skip
    return Transition[Roadshow](entity=rs, events=("scheduled",))


def cancel(rs: Roadshow, reason: str, now: dt.datetime) -> Transition[Roadshow]:
    state, event = step(TABLE, rs.state, "cancel", "roadshow")
    entity = rs.model_copy(update={"state": state, "reason": reason, "updated_at": now})
    return Transition[Roadshow](entity=entity, events=(event or "",))


def close(rs: Roadshow, attended: int, no_shows: int, now: dt.datetime) -> Transition[Roadshow]:
    """Record that it took place (after its end), with attendance and no-shows."""
    step(TABLE, rs.state, "close", "roadshow")
    if now < rs.content.ends_at:
        raise ConflictError(
            "roadshow_id", "not_over", zh="路演尚未结束", en="the roadshow has not ended yet"
        )
    entity = rs.model_copy(update={
        "state": RoadshowState.held, "attended": attended, "no_shows": no_shows, "updated_at": now,
    })  # fmt: skip
    return Transition[Roadshow](entity=entity, events=("held",))


def ensure_open(rs: Roadshow, now: dt.datetime) -> None:
    """Bookings and applications only for a scheduled roadshow that has not started."""
    if rs.state is not RoadshowState.scheduled:
        raise ConflictError(
            "roadshow_id", f"roadshow_{rs.state.value}",
            zh=f"路演已{'取消' if rs.state is RoadshowState.cancelled else '举办'}",
            en=f"the roadshow is {rs.state.value}",
        )  # fmt: skip
    if now >= rs.content.starts_at:
        raise ConflictError(
            "roadshow_id", "roadshow_past", zh="路演已开始或已过期",
            en="the roadshow has started or is past",
        )  # fmt: skip


Status = Literal["met", "scheduled", "at_risk", "missed", "open"]


class ComplianceCell(BaseModel):
    month: str
    domain: str
    status: Status
    about_to_be_missed: bool = Field(description="none scheduled with 7 days or fewer left")
    at_risk: bool = Field(description="the same flag, under the status' name")
    met: bool = Field(description="at least one roadshow took place")
    held: int
    scheduled: int
    days_left: int


def took_place(rs: Roadshow, now: dt.datetime) -> bool:
    return rs.state is RoadshowState.held or (
        rs.state is RoadshowState.scheduled and rs.content.ends_at <= now
    )


def compliance(
    months: Iterable[str], domains: Iterable[str], roadshows: Iterable[Roadshow], now: dt.datetime
) -> list[ComplianceCell]:
    live = [r for r in roadshows if r.state is not RoadshowState.cancelled]
    cells = []
    for month in months:
        start, end = month_bounds(month)
        left = max(0, (end - max(now, start)).total_seconds()) / 86400
        for domain in domains:
            mine = [r for r in live if r.month == month and r.content.domain == domain]
            held = sum(took_place(r, now) for r in mine)
            scheduled = len(mine) - held
            if held:
                status: Status = "met"
            elif end <= now:
                status = "missed"
            elif scheduled:
                status = "scheduled"
            elif left <= AT_RISK_DAYS:
                status = "at_risk"
            else:
                status = "open"
            cells.append(ComplianceCell(
                month=month, domain=domain, status=status, about_to_be_missed=status == "at_risk",
                at_risk=status == "at_risk", met=status == "met",
                held=held, scheduled=scheduled, days_left=int(-(-left // 1)),
            ))  # fmt: skip
    return cells


def months_from(first: str, count: int) -> list[str]:
    year, mon = (int(x) for x in first.split("-"))
    out = []
    for i in range(count):
        y, m = divmod(mon - 1 + i, 12)
        out.append(f"{year + y:04d}-{m + 1:02d}")
    return out
