"""The listings' and sweeps' queries: the only place techtransfer writes Mongo operators
(use cases say what they want in domain terms; these say how the documents are found)."""

from __future__ import annotations

import datetime as dt
from typing import Any

Query = dict[str, Any]


def _all(clauses: list[Query]) -> Query:
    return {"$and": clauses} if clauses else {}


def _either(*clauses: Query) -> Query:
    return {"$or": list(clauses)}


def visible_records(org_id: str, *, operator: bool) -> Query:
    """The caller's own records, and published ones (operators: everything not a draft)."""
    mine = {"owner.org_id": org_id}
    if operator:
        return _either(mine, {"state": {"$ne": "draft"}})
    return _either(mine, {"state": "published"})


def record_listing(
    visible: Query,
    *,
    status: str | None,
    owner: str | None,
    domain: str | None,
    mode: str | None,
    trl_field: str,
    trl_min: int | None,
    trl_max: int | None,
) -> Query:
    clauses: list[Query] = [visible]
    if status is not None:
        clauses.append({"state": status})
    if owner:
        clauses.append({"owner.org_id": owner})
    if domain:
        clauses.append({"content.domains": domain})
    if mode:
        clauses.append({"content.cooperation_modes": mode})
    trl: dict[str, int] = {}
    if trl_min is not None:
        trl["$gte"] = trl_min
    if trl_max is not None:
        trl["$lte"] = trl_max
    if trl:
        clauses.append({trl_field: trl})
    return _all(clauses)


def interests_of(
    org_id: str, *, box: str | None, operator: bool, state: str | None, record_id: str | None
) -> Query:
    """Sent (the caller expressed), received (on the caller's records), or both."""
    clauses: list[Query] = []
    if box == "sent":
        clauses.append({"interested.org_id": org_id})
    elif box == "received":
        clauses.append({"owner.org_id": org_id})
    elif not operator:
        clauses.append(_either({"interested.org_id": org_id}, {"owner.org_id": org_id}))
    if state is not None:
        clauses.append({"state": state})
    if record_id:
        clauses.append({"record_id": record_id})
    return _all(clauses)


def open_interests_due(now: dt.datetime) -> Query:
    return {"state": "open", "due": {"$lte": now}}


def deals_of(org_id: str | None) -> Query:
    """Deals where ``org_id`` is a side (None: all deals)."""
    if org_id is None:
        return {}
    return _either({"supplier.org_id": org_id}, {"recipient.org_id": org_id})


def eligible_deals() -> Query:
    return {"eligibility": {"$ne": None}}


def sessions_due(now: dt.datetime) -> Query:
    """Sessions whose registration has closed and that were never scheduled."""
    return {"deadline": {"$lte": now}, "scheduled_at": None}


def live_meetings(session_id: str) -> Query:
    return {"session_id": session_id, "state": {"$in": ["requested", "accepted"]}}


def meetings_of(session_id: str, org_id: str | None) -> Query:
    """A session's meeting requests where ``org_id`` is a side (None: all of them)."""
    query: Query = {"session_id": session_id}
    if org_id is None:
        return query
    return _all([query, _either({"requester.org_id": org_id}, {"invitee.org_id": org_id})])
