"""Matching's command handlers: they call the domain rules and the storage, nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from services.matching.domain.suggestions import SuggestionPolicy
from services.matching.settings import MatchingSettings
from services.matching.storage import Repositories
from services.matching.storage.search import SearchProjection


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _no_wake() -> None:
    """Until a relay is attached, the outbox is drained on its own schedule."""


@dataclass
class Deps:
    """Everything a use case needs, built once by the composition root."""

    repos: Repositories
    search: SearchProjection
    settings: MatchingSettings
    clock: Callable[[], dt.datetime] = utc_now
    wake_outbox: Callable[[], None] = field(default=_no_wake)

    @property
    def policy(self) -> SuggestionPolicy:
        return SuggestionPolicy(
            top_n=self.settings.top_n,
            rise_ranks=self.settings.rise_ranks,
            min_shared_terms=self.settings.min_shared_terms,
        )
