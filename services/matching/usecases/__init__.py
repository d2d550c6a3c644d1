"""Matching's command handlers: they call the domain rules and the storage, nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from services.matching.domain.suggestions import SuggestionPolicy
from services.matching.settings import MatchingSettings
from services.matching.storage import Repositories
from services.matching.storage.search import SearchProjection
from shared.clock import utc_now


@dataclass
class Deps:
    """Everything a use case needs, built once by the composition root."""

    repos: Repositories
    search: SearchProjection
    settings: MatchingSettings
    clock: Callable[[], dt.datetime] = utc_now
    #: seconds from the last record event consumed to its pairs and suggestions stored
    last_latency: float | None = None

    @property
    def policy(self) -> SuggestionPolicy:
        return SuggestionPolicy(
            top_n=self.settings.top_n,
            rise_ranks=self.settings.rise_ranks,
            min_shared_terms=self.settings.min_shared_terms,
            min_similarity=self.settings.min_similarity,
        )
