"""Raised alerts: one aggregate per alert id on the shared aggregate store, so raising is
a unique insert (a second raise of the same situation is a Conflict: told once) and the
event rides in the same write to the relay."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.store import MongoAggregateStore


class RaisedAlert(BaseModel):
    kind: str
    audience: str
    recipient_org_id: str | None = None
    district: str | None = None
    subject_id: str
    raised_at: dt.datetime


def alert_store(db: AsyncDatabase[Any]) -> MongoAggregateStore[RaisedAlert]:
    return MongoAggregateStore(db, "alert", RaisedAlert, collection="alerts", source="reporting")
