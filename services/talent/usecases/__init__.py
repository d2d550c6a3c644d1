"""Command handlers: load through the store, ask the domain, save state and events in one
``store.save``. Each module is one resource; ``Deps`` is what they all need."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from services.talent.settings import TalentSettings
from services.talent.storage import Repositories
from shared.errors import not_found as not_found  # the shared factory, re-exported


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@dataclass
class Deps:
    repos: Repositories
    settings: TalentSettings
    clock: Callable[[], dt.datetime] = field(default=utc_now)
    #: claim slots without a claim at the last sweep: (kind, demand id, agency id)
    orphan_suspects: set[tuple[str, str, str]] = field(default_factory=set)

    def now(self) -> dt.datetime:
        return self.clock()
