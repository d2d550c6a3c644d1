"""Demo data for the local stack (``make up`` runs ``seed-demo``): a fund's mandate, an
enterprise's pitch, and a calendar that shows the compliance view at work: last month's
AI roadshow held (other domains missed), this month's scheduled with an application,
and next month with no roadshow at all, so the "about to be missed" flag shows in its
last 7 days (``GET /compliance?month=<next>&as_of=<its 25th>`` shows it today).

Ids are fixed, so seeding twice adds nothing; organisations are identity's demo ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.roadshows import events
from services.roadshows.domain import applications as apps
from services.roadshows.domain import calendar as cal
from services.roadshows.domain import records as rec
from services.roadshows.domain.calendar import BEIJING, RoadshowIn, RoadshowState
from services.roadshows.usecases import Deps
from services.roadshows.usecases.records import tier_of
from shared.demo import demo_id
from shared.store import Conflict

INVESTOR, ENTERPRISE, OPERATOR = demo_id("investor"), demo_id("enterprise"), demo_id("operator")

MANDATE = rec.MandateIn(
    title="北京市高精尖产业发展基金·人工智能子基金", domains=["ai", "manufacturing"],
    description="重点投资人工智能与智能制造领域的小升规、规升强企业",
    keywords=["大模型", "工业视觉"], stages=["pre_a", "a", "b"],
    ticket_cny=(5_000_000, 80_000_000), fund_type="government", exclusions=["blockchain"],
)  # fmt: skip
PITCH = rec.PitchIn(
    title="工业视觉大模型质检平台 A轮", domains=["ai", "manufacturing"], stage="a",
    description="面向3C与汽车零部件制造的视觉质检大模型，已在40余家工厂落地",
    keywords=["工业视觉", "大模型", "质检"], ask_cny=50_000_000, revenue_cny=18_000_000,
    metrics=[rec.Metric(name="客户数", value="42"), rec.Metric(name="毛利率", value="61%")],
    district="海淀区",
)  # fmt: skip


def _back(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def _spec(title: str, start: dt.datetime) -> RoadshowIn:
    return RoadshowIn(
        title=title, domain="ai", topic="大模型与智能制造", venue="中关村国际创新中心",
        starts_at=start, ends_at=start + dt.timedelta(hours=3), pitch_slots=6,
        investor_seats=30, meeting_slots=6, meeting_tables=8,
    )  # fmt: skip


async def _create(store: Any, agg_id: str, state: Any, evs: list[Any]) -> bool:
    try:
        await store.create(agg_id, state, evs)
        return True
    except Conflict:
        return False  # seeded before


async def seed_demo(deps: Deps) -> list[str]:
    now = deps.now()
    this = cal.month_of(now)
    last, following = _back(this), cal.months_from(this, 2)[1]
    lines = []
    m = rec.publish_mandate("mandate-demo-ai-fund", INVESTOR, MANDATE, now).entity
    await _create(deps.repos.mandates, m.id, m, events.mandate_events(m, ["published"]))
    # the tier comes from identity's events (the demo enterprise is on the cultivation list
    # only, so unflagged until an operator adds it to 小升规/规升强 in identity)
    tier = await tier_of(deps, ENTERPRISE)
    p = rec.publish_pitch("pitch-demo-vision-qc", ENTERPRISE, PITCH, tier, now).entity
    await _create(deps.repos.pitches, p.id, p, events.pitch_events(p, ["published"]))
    lines.append(f"mandate {m.id}, pitch {p.id}")

    # last month: held (written as it stands today; the calendar refuses past dates)
    y, mo = (int(x) for x in last.split("-"))
    start = dt.datetime(y, mo, 20, 14, tzinfo=BEIJING)
    held = cal.Roadshow(
        id=f"rs-demo-{last}-ai", organiser_org_id=OPERATOR,
        content=_spec("人工智能专场路演", start), month=last, state=RoadshowState.held,
        attended=24, no_shows=2, created_at=now, updated_at=now,
    )  # fmt: skip
    await _create(deps.repos.roadshows, held.id, held, events.roadshow_events(held, ["held"]))

    # this month: scheduled a few days ahead (or within hours near the month's end)
    _, end = cal.month_bounds(this)
    ahead = min(dt.timedelta(days=5), (end - now) / 2)
    rs = cal.schedule(f"rs-demo-{this}-ai", OPERATOR, _spec("人工智能专场路演", now + ahead), now)
    if await _create(deps.repos.roadshows, rs.entity.id, rs.entity,
                     events.roadshow_events(rs.entity, rs.events)):  # fmt: skip
        a = apps.apply(rs.entity, p, now).entity
        evs = events.application_events(a, rs.entity, ["submitted"], p.priority_tier)
        await _create(deps.repos.applications, a.id, a, evs)
    lines.append(f"roadshows: {held.id} (held), {rs.entity.id} (scheduled); none in {following}")

    y, mo = (int(x) for x in following.split("-"))
    as_of = dt.datetime(y, mo, 25, 9, tzinfo=BEIJING)
    cells = cal.compliance([following], ["ai"], [], as_of)
    lines.append(
        f"compliance {following} ai as of {as_of.date()}: {cells[0].status} "
        f"(about to be missed: {cells[0].about_to_be_missed}) - "
        f"GET /compliance?month={following}&as_of={as_of.isoformat()}"
    )
    return lines
