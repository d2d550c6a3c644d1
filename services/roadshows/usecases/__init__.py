"""Command handlers: load through the store, ask the domain, save state and events in one
``store.save``. Each module is one resource; ``Deps`` is what they all need."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from services.roadshows.settings import RoadshowsSettings
from services.roadshows.storage import Repositories
from shared.auth import Caller
from shared.clock import utc_now

__all__ = ["Deps", "new_id", "not_found", "require_owner", "utc_now"]
from shared.errors import ForbiddenError
from shared.errors import not_found as not_found  # the shared factory, re-exported


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@dataclass
class Deps:
    repos: Repositories
    settings: RoadshowsSettings
    clock: Callable[[], dt.datetime] = field(default=utc_now)

    def now(self) -> dt.datetime:
        return self.clock()


def require_owner(caller: Caller, org_id: str, field_name: str = "id") -> None:
    """403 unless the caller's organisation owns it (operators act for anyone)."""
    if not caller.is_operator and not caller.owns(org_id):
        raise ForbiddenError(
            field_name, "not_owner", zh="只能操作本机构的数据",
            en="this belongs to another organisation",
        )  # fmt: skip
