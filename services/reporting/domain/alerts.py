"""Monitoring alerts (监测预警): which situations deserve a message now.

Each alert has a deterministic id (kind, subject and, where it recurs, the period), so
raising it is idempotent: the same situation is told once. Pure: ``now`` is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from services.reporting.domain.districts import BEIJING, DISTRICTS, month_of
from services.reporting.domain.model import ReadModel

DAY = 86400.0
# A published demand should have drawn this by 30 days (policy 15: 监测预警).
ANSWER_STAGE = {"tech_need": "interest", "talent_demand": "claimed", "scenario": "applied"}


@dataclass(frozen=True)
class Thresholds:
    demand_days: int = 30
    expiring_hours: int = 48
    catalogue_days: int = 30
    catalogue_listing_days: int = 365  # ASSUMED validity of a listing with no end date
    roadshow_warn_days: int = 7
    stale_cultivation_days: int = 90


@dataclass(frozen=True)
class Alert:
    id: str
    kind: str
    audience: str  # organisation | operators | district
    subject_kind: str
    subject_id: str
    recipient_org_id: str | None = None
    district: str | None = None
    due_at: float | None = None
    detail: dict[str, str] = field(default_factory=dict)


def _quarter(ts: float) -> str:
    d = dt.datetime.fromtimestamp(ts, BEIJING)
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def _month_end(ts: float) -> float:
    d = dt.datetime.fromtimestamp(ts, BEIJING)
    nxt = dt.datetime(d.year + d.month // 12, d.month % 12 + 1, 1, tzinfo=BEIJING)
    return nxt.timestamp()


def roadshow_alerts(model: ReadModel, now: float, th: Thresholds) -> list[Alert]:
    month, end = month_of(now), _month_end(now)
    if end - now > th.roadshow_warn_days * DAY:
        return []
    planned = [
        r for r in model.roadshows.values() if r.state != "cancelled" and month_of(r.at) == month
    ]
    if planned:
        return []
    return [
        Alert(
            f"roadshow_month:{month}",
            "roadshow_month_at_risk",
            "operators",
            "month",
            month,
            due_at=end,
            detail={"month": month},
        )
    ]


def demand_alerts(model: ReadModel, now: float, th: Thresholds) -> list[Alert]:
    out = []
    cutoff = now - th.demand_days * DAY
    for case in model.cases.values():
        answer = ANSWER_STAGE.get(case.kind)
        if answer is None or case.closed_at is not None or case.published_at is None:
            continue
        if case.published_at > cutoff:
            continue
        no_match, no_answer = "matched" not in case.stages, answer not in case.stages
        if no_match or no_answer:
            out.append(
                Alert(
                    f"demand_unanswered:{case.id}",
                    "demand_unanswered",
                    "organisation",
                    case.kind,
                    case.id,
                    recipient_org_id=case.owner or None,
                    detail={
                        "no_match": str(no_match).lower(),
                        "no_interest": str(no_answer).lower(),
                        "title": case.title,
                        "days": str(th.demand_days),
                    },
                )
            )
    return out


def expiry_alerts(model: ReadModel, now: float, th: Thresholds) -> list[Alert]:
    out = []
    horizon = now + th.expiring_hours * 3600
    answered_claims = {
        (i.actor, i.case_id) for i in model.items.values() if i.entity == "candidate"
    }
    for item in model.items.values():
        if item.expires_at is None or not now < item.expires_at <= horizon:
            continue
        if item.entity == "interest" and item.state == "expressed":
            out.append(
                Alert(
                    f"interest_expiring:{item.id}",
                    "interest_expiring",
                    "organisation",
                    "interest",
                    item.id.partition(":")[2],
                    item.counterpart or None,
                    due_at=item.expires_at,
                    detail={"record_id": item.case_id},
                )
            )
        elif item.entity == "claim" and item.state == "granted":
            if (item.actor, item.case_id) in answered_claims:
                continue
            out.append(
                Alert(
                    f"claim_expiring:{item.id}",
                    "claim_expiring",
                    "organisation",
                    "claim",
                    item.id.partition(":")[2],
                    item.actor or None,
                    due_at=item.expires_at,
                    detail={"demand_id": item.case_id},
                )
            )
    return out


def catalogue_alerts(model: ReadModel, now: float, th: Thresholds) -> list[Alert]:
    out = []
    for case in model.cases.values():
        if case.kind != "product" or case.closed_at is not None or "listed" not in case.stages:
            continue
        until = case.valid_until or case.stages["listed"] + th.catalogue_listing_days * DAY
        if now < until <= now + th.catalogue_days * DAY:
            out.append(
                Alert(
                    f"catalogue_expiring:{case.id}:{int(until)}",
                    "catalogue_expiring",
                    "organisation",
                    "product",
                    case.id,
                    case.owner or None,
                    due_at=until,
                    detail={"title": case.title},
                )
            )
    return out


def cultivation_alerts(model: ReadModel, now: float, th: Thresholds) -> list[Alert]:
    last: dict[str, float] = {}
    known: set[str] = set()
    for org in model.orgs.values():
        if org.type != "enterprise" and not org.history:
            continue
        if org.district:
            known.add(org.district)
        for entry in org.history.values():
            if entry.tier == "cultivation" and org.district:
                last[org.district] = max(last.get(org.district, 0.0), entry.at)
    out = []
    for district in DISTRICTS:
        if district not in known or last.get(district, 0.0) > now - th.stale_cultivation_days * DAY:
            continue
        out.append(
            Alert(
                f"cultivation_stale:{district}:{_quarter(now)}",
                "cultivation_stale",
                "district",
                "district",
                district,
                district=district,
                detail={"days": str(th.stale_cultivation_days)},
            )
        )
    return out


def due_alerts(model: ReadModel, now: float, th: Thresholds | None = None) -> list[Alert]:
    th = th or Thresholds()
    return [
        *roadshow_alerts(model, now, th),
        *demand_alerts(model, now, th),
        *expiry_alerts(model, now, th),
        *catalogue_alerts(model, now, th),
        *cultivation_alerts(model, now, th),
    ]
