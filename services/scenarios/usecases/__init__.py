"""Command handlers: load through the store, ask the domain, save state and events in one
``store.save``. Each module is one resource; ``Deps`` is what they all need."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from services.scenarios.settings import ScenariosSettings
from services.scenarios.storage import Repositories
from shared.auth import Caller
from shared.clock import utc_now
from shared.errors import ForbiddenError
from shared.errors import not_found as not_found  # the shared factory, re-exported

__all__ = ["Deps", "new_id", "not_found", "require_owner", "utc_now"]


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@dataclass
class Deps:
    repos: Repositories
    settings: ScenariosSettings
    clock: Callable[[], dt.datetime] = field(default=utc_now)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def now(self) -> dt.datetime:
        return self.clock()

    def lock(self, key: str) -> asyncio.Lock:
        """A per-process lock to queue writers of one busy aggregate (never for exactness:
        that is the store's versioned save). Dropped once nobody waits on it."""
        found = self._locks.get(key)
        if found is None:
            found = self._locks[key] = asyncio.Lock()
        if len(self._locks) > 1000:  # forget idle ones; a few dozen panels score at a time
            for k in [k for k, v in self._locks.items() if not v.locked() and k != key]:
                del self._locks[k]
        return found


def require_owner(caller: Caller, org_id: str, field_name: str = "id") -> None:
    """403 unless the caller's organisation owns it (operators act for anyone)."""
    if not caller.is_operator and not caller.owns(org_id):
        raise ForbiddenError(
            field_name,
            "not_owner",
            zh="只能操作本机构的数据",
            en="this belongs to another organisation",
        )


SCENARIO = not_found("scenario_id", "应用场景 / scenario")
PROPOSAL = not_found("proposal_id", "揭榜方案 / proposal")
CAPABILITY = not_found("capability_id", "能力记录 / capability")
PANEL = not_found("scenario_id", "评审专家组 / expert panel")
BATCH = not_found("batch_id", "机会清单批次 / batch")
