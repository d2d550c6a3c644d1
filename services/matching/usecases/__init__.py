"""Matching's command handlers: they call the domain rules and the storage, nothing else."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from services.matching.domain.suggestions import SuggestionPolicy
from services.matching.settings import MatchingSettings
from services.matching.storage import Repositories
from services.matching.storage.search import SearchProjection
from shared.clock import utc_now


def _no_wake() -> None:
    """Until a relay is attached, the outbox is drained on its own schedule."""


class KeyedLocks:
    """One asyncio lock per key (a demand id): this process ranks one demand at a time.

    FerretDB 1.x does not make a filtered update atomic under concurrency, so the
    version check alone may let two writers through; serialising per demand inside
    the process closes that for a single replica (the version check still guards
    across replicas, where a rare duplicate suggestion carries the same subject and
    version and can be dropped downstream).
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    def __call__(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            if len(self._locks) > 10_000:  # forget idle locks
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            lock = self._locks[key] = asyncio.Lock()
        return lock


@dataclass
class Deps:
    """Everything a use case needs, built once by the composition root."""

    repos: Repositories
    search: SearchProjection
    settings: MatchingSettings
    clock: Callable[[], dt.datetime] = utc_now
    wake_outbox: Callable[[], None] = field(default=_no_wake)
    locks: KeyedLocks = field(default_factory=KeyedLocks)
    #: seconds from the last record event consumed to its pairs and suggestions stored
    last_latency: float | None = None

    @property
    def policy(self) -> SuggestionPolicy:
        return SuggestionPolicy(
            top_n=self.settings.top_n,
            rise_ranks=self.settings.rise_ranks,
            min_shared_terms=self.settings.min_shared_terms,
        )
