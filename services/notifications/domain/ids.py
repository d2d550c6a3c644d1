"""Deterministic ids: the same event for the same recipient always yields the same id,
so a redelivered event collides on a unique index instead of making a second message."""

from __future__ import annotations

import datetime as dt
import hashlib


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def message_id(event_id: str, user_id: str) -> str:
    return _digest("message", event_id, user_id)


def email_job_id(message_id: str) -> str:
    return _digest("email", message_id)


def digest_job_id(user_id: str, digest_at: dt.datetime) -> str:
    return _digest("digest", user_id, digest_at.astimezone(dt.UTC).isoformat())


def webhook_job_id(event_id: str, endpoint_id: str) -> str:
    return _digest("webhook", event_id, endpoint_id)
