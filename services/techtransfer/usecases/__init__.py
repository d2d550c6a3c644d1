"""Techtransfer's use cases: what the API, the sweeper and the CLI ask for.

Each use case takes :class:`Deps` (built once in ``main.py``) and the verified caller,
loads aggregates, calls a pure domain function, and writes the new state together with
its events in one store change (``shared/store.py``) at the version it read. A lost race
reloads and decides again (the domain then refuses what is no longer allowed).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from services.techtransfer.domain.errors import Conflict, Forbidden, zh
from services.techtransfer.domain.parties import OrgKind, Party
from services.techtransfer.settings import TechtransferSettings
from services.techtransfer.storage import Repositories
from shared.auth import Caller, OrgType
from shared.clock import new_id, utc_now  # noqa: F401 - re-exported for the use cases

T = TypeVar("T")
RETRIES = 5

# The org types that act in this market, as the domain knows them. identity's
# "university" type covers universities, research institutes and new R&D institutions.
KIND_OF = {
    OrgType.enterprise: OrgKind.enterprise,
    OrgType.university: OrgKind.university,
    OrgType.operator: OrgKind.operator,
}


@dataclass
class Deps:
    """What every use case needs: repositories, settings and the clock."""

    repos: Repositories
    settings: TechtransferSettings
    clock: Callable[[], dt.datetime] = utc_now

    def now(self) -> dt.datetime:
        return self.clock()


def party_of(caller: Caller) -> Party | None:
    """The caller's organisation as the domain sees it; None for org types not in this market."""
    kind = KIND_OF.get(caller.org_type)
    return Party(org_id=caller.organisation_id, kind=kind) if kind else None


def require_party(caller: Caller, action: str) -> Party:
    party = party_of(caller)
    if party is None:
        raise Forbidden(
            "actor",
            f"a {caller.org_type.value} may not {action}",
            zh=f"{zh(caller.org_type)}不能{zh(action)}",
        )
    return party


async def retrying(attempt: Callable[[], Awaitable[T | None]], what: str) -> T:
    """Run ``attempt`` until it returns a value (None means a concurrent write won)."""
    for tries in range(RETRIES):
        result = await attempt()
        if result is not None:
            return result
        # back off a little so the winner's write lands before we reload
        await asyncio.sleep(random.uniform(0, 0.02) * (tries + 1))  # noqa: S311
    raise Conflict(
        "version",
        f"the {what} changed concurrently; try again",
        zh=f"该{zh(what)}已被同时修改，请重试",
    )
