"""Sign-in throttling: how many failures in a window lock a key (an e-mail or a client IP).

The counters live in the database so every identity instance sees the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottlePolicy:
    """``max_failures`` failures within ``window`` lock the key for ``lockout``."""

    max_failures: int
    window: dt.timedelta
    lockout: dt.timedelta


@dataclass(frozen=True)
class FailureCounter:
    """Stored state of one key."""

    failures: int
    window_start: dt.datetime
    locked_until: dt.datetime | None = None


def retry_after(counter: FailureCounter | None, now: dt.datetime) -> int | None:
    """Seconds until the key may try again, or None when it is not locked."""
    if counter is None or counter.locked_until is None or counter.locked_until <= now:
        return None
    return max(1, int((counter.locked_until - now).total_seconds() + 0.999))


def after_failure(
    counter: FailureCounter | None, policy: ThrottlePolicy, now: dt.datetime
) -> FailureCounter:
    """The counter after one more failure (a stale window starts again)."""
    if counter is None or now - counter.window_start >= policy.window:
        counter = FailureCounter(failures=0, window_start=now)
    failures = counter.failures + 1
    locked = now + policy.lockout if failures >= policy.max_failures else counter.locked_until
    return FailureCounter(failures=failures, window_start=counter.window_start, locked_until=locked)
