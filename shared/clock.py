"""Time and identifiers every service uses the same way."""

from __future__ import annotations

import datetime as dt
import uuid


def utc_now() -> dt.datetime:
    """Now in UTC, to the millisecond: what BSON keeps, so a value read back from the
    database compares equal to the one written (cursors, versions, 'changed at')."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def new_id() -> str:
    """A new aggregate id: 32 hex characters."""
    return uuid.uuid4().hex
