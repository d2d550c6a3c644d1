"""The rule for monitoring alerts (监测预警, ``reporting.alert.raised``): who hears one,
what it links to and the facts its text needs.

Audience by the alert's ``audience``: ``organisation`` -> the users of
``recipient_org_id``; ``operators`` -> every operator organisation; ``district`` -> the
government of ``district`` and the operators (as the contract says). The last two are
:class:`Group` audiences, resolved from the organisation directory when the notice is
handled (``usecases/notify.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from services.notifications.domain.alert_texts import (
    ALERT_TEMPLATES,
    ANSWER_NAMES,
    DISTRICT_NAMES,
)
from services.notifications.domain.groups import Group

Data = Mapping[str, Any]
BEIJING = dt.timezone(dt.timedelta(hours=8))
GENERIC = "reporting.alert"


def alert_groups(data: Data) -> list[Group]:
    audience = data.get("audience")
    if audience == "operators":
        return [Group("operators")]
    if audience == "district" and data.get("district"):
        return [Group("district_government", str(data["district"])), Group("operators")]
    return []


def alert_subject(data: Data, envelope_subject: str | None) -> tuple[str, str]:
    kind = str(data.get("subject_kind") or "alert")
    return kind, str(data.get("subject_id") or envelope_subject or "")


def _local(value: Any) -> str:
    """An ISO time as Beijing wall-clock time, to the minute (blank when absent)."""
    if not value:
        return ""
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _missing(detail: Data, subject_kind: str) -> tuple[str, str]:
    """What a demand still lacks after 30 days, in Chinese and English."""
    no_match = str(detail.get("no_match", "")).lower() == "true"
    no_answer = str(detail.get("no_interest", "")).lower() == "true"
    answer_zh, answer_en = ANSWER_NAMES.get(subject_kind, ("响应", "answer"))
    zh = [*(["匹配推荐"] if no_match else []), *([answer_zh] if no_answer else [])]
    en = [*(["match"] if no_match else []), *([answer_en] if no_answer else [])]
    return "、".join(zh) or answer_zh, " or ".join(en) or answer_en


def alert_params(data: Data) -> dict[str, str]:
    detail = data.get("detail") or {}
    subject_kind = str(data.get("subject_kind") or "")
    district = str(data.get("district") or detail.get("district") or "")
    district_zh, district_en = DISTRICT_NAMES.get(district, (district, district))
    missing_zh, missing_en = _missing(detail, subject_kind)
    return {
        "record_kind": subject_kind,
        "record_title": str(detail.get("title") or ""),
        "days": str(detail.get("days") or ""),
        "month": str(detail.get("month") or data.get("subject_id") or ""),
        "due_at_local": _local(data.get("due_at")),
        "district_zh": district_zh,
        "district_en": district_en,
        "missing_zh": missing_zh,
        "missing_en": missing_en,
        "alert_title_zh": str(data.get("title_zh") or ""),
        "alert_title_en": str(data.get("title_en") or ""),
    }


def alert_template(data: Data) -> str:
    """One text per alert kind; a kind this service has no text for yet reads the
    producer's own one-line titles."""
    template = f"{GENERIC}.{data.get('kind')}"
    return template if template in ALERT_TEMPLATES else GENERIC
