"""Raise the monitoring alerts that are due, each once, as ``reporting.alert.raised``."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from services.reporting.domain.alerts import Alert, Thresholds, due_alerts
from services.reporting.domain.model import ReadModel
from services.reporting.storage.alerts import RaisedAlert
from shared.events import new_event
from shared.events.contracts.reporting import AlertRaised
from shared.store import Conflict, MongoAggregateStore

log = logging.getLogger(__name__)

TITLES = {
    "roadshow_month_at_risk": (
        "本月尚未安排投融资路演（措施第10条第3款）",
        "No roadshow yet this month (policy 10(3))",
    ),
    "demand_unanswered": (
        "需求发布30天仍无匹配或响应",
        "Demand without a match or answer in 30 days",
    ),
    "interest_expiring": ("合作意向即将过期，尚未答复", "An interest expires soon, unanswered"),
    "claim_expiring": ("认领即将到期，尚未推荐候选人", "A claim expires soon, no candidate yet"),
    "catalogue_expiring": ("新技术新产品清单条目即将到期", "A catalogue entry expires soon"),
    "cultivation_stale": (
        "本区培育清单已一个季度未更新",
        "District cultivation list unchanged for a quarter",
    ),
}


def _when(ts: float | None) -> dt.datetime | None:
    return None if ts is None else dt.datetime.fromtimestamp(ts, dt.UTC)


class AlertRaiser:
    def __init__(self, store: MongoAggregateStore[RaisedAlert], thresholds: Thresholds) -> None:
        self.store = store
        self.thresholds = thresholds
        self.raised: set[str] = set()  # told already (this process); the store decides

    async def raise_due(self, model: ReadModel, now: dt.datetime | None = None) -> int:
        now = now or dt.datetime.now(dt.UTC)
        count = 0
        for alert in due_alerts(model, now.timestamp(), self.thresholds):
            if alert.id not in self.raised and await self._raise(alert, now):
                count += 1
            self.raised.add(alert.id)
        return count

    async def _raise(self, alert: Alert, now: dt.datetime) -> bool:
        zh, en = TITLES[alert.kind]
        payload = AlertRaised(
            alert_id=alert.id,
            kind=alert.kind,
            audience=alert.audience,
            recipient_org_id=alert.recipient_org_id,
            district=alert.district,
            subject_kind=alert.subject_kind,
            subject_id=alert.subject_id,
            due_at=_when(alert.due_at),
            raised_at=now,
            title_zh=zh,
            title_en=en,
            detail=alert.detail,
        )
        state = RaisedAlert(
            kind=alert.kind,
            audience=alert.audience,
            recipient_org_id=alert.recipient_org_id,
            district=alert.district,
            subject_id=alert.subject_id,
            raised_at=now,
        )
        event = new_event(payload, subject=alert.id, version=1, source="reporting")
        try:
            await self.store.create(alert.id, state, [event])
        except Conflict:
            return False
        return True


def alert_payloads(model: ReadModel, now: dt.datetime, th: Thresholds) -> list[dict[str, Any]]:
    """Due alerts as JSON (the operators' view), newest situation first."""
    return [
        {
            "id": a.id,
            "kind": a.kind,
            "audience": a.audience,
            "recipient_org_id": a.recipient_org_id,
            "district": a.district,
            "subject_kind": a.subject_kind,
            "subject_id": a.subject_id,
            "due_at": _when(a.due_at),
            "title_zh": TITLES[a.kind][0],
            "title_en": TITLES[a.kind][1],
        }
        for a in due_alerts(model, now.timestamp(), th)
    ]
