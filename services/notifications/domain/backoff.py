"""Exponential backoff with jitter for delivery retries, and when to give up."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class BackoffPolicy:
    """Delay before attempt n+1 is ``base * 2**(n-1)`` (capped), ± ``jitter`` of itself."""

    base: float = 5.0
    cap: float = 3600.0
    jitter: float = 0.2
    max_attempts: int = 6

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after ``attempts`` failed attempts (attempts >= 1)."""
        raw = min(self.cap, self.base * 2 ** max(0, attempts - 1))
        if not self.jitter:
            return raw
        spread = raw * self.jitter
        # Jitter spreads retries of many jobs that failed together; not security relevant.
        return max(0.0, raw + (rng or random).uniform(-spread, spread))

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def next_attempt_at(
        self, attempts: int, now: dt.datetime, rng: random.Random | None = None
    ) -> dt.datetime:
        return now + dt.timedelta(seconds=self.delay(attempts, rng))
