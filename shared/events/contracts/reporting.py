"""Event contracts published by the reporting service: monitoring alerts (监测预警).

Topic ``reporting.alert``, keyed by the alert id. An alert id is deterministic (kind,
subject and, for recurring checks, the period), so one situation is raised once.
Payloads carry ids, codes and titles of records only; never a person's data.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events import event_type

ALERT_TOPIC = "reporting.alert"

AlertKind = Literal[
    "roadshow_month_at_risk",
    "demand_unanswered",
    "interest_expiring",
    "claim_expiring",
    "catalogue_expiring",
    "cultivation_stale",
]


@event_type("reporting.alert.raised", topic=ALERT_TOPIC)
class AlertRaised(BaseModel):
    """A situation the platform's monitoring (policy 15) tells someone about."""

    model_config = ConfigDict(extra="ignore")

    alert_id: str = Field(
        description="deterministic id: '<kind>:<subject>[:<period>]'",
        examples=["demand_unanswered:need-42"],
    )
    kind: AlertKind = Field(description="what is wrong", examples=["demand_unanswered"])
    audience: Literal["organisation", "operators", "district"] = Field(
        description="organisation: recipient_org_id's users; operators: platform staff; "
        "district: the government of `district` (and operators)",
        examples=["organisation"],
    )
    recipient_org_id: str | None = Field(
        None, description="the organisation to tell (audience organisation)", examples=["org-7"]
    )
    district: str | None = Field(None, description="district code (audience district)")
    subject_kind: str = Field(description="what the alert is about", examples=["tech_need"])
    subject_id: str = Field(description="its id", examples=["need-42"])
    due_at: dt.datetime | None = Field(None, description="when it expires or is missed")
    raised_at: dt.datetime = Field(description="when the check found it")
    title_zh: str = Field(description="one line in Chinese", examples=["需求发布30天仍无响应"])
    title_en: str = Field(description="one line in English", examples=["No answer in 30 days"])
    detail: dict[str, str] = Field(default_factory=dict, description="kind-specific facts")
