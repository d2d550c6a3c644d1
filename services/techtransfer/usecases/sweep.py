"""The sweeper's pass: expire unanswered interests; expire requests and schedule sessions
whose registration has closed (run by the service every ``sweep_seconds`` and by the CLI)."""

from __future__ import annotations

from services.techtransfer.usecases import Deps
from services.techtransfer.usecases import interests as interest_uc
from services.techtransfer.usecases import sessions as session_uc


async def sweep_once(deps: Deps) -> None:
    await interest_uc.sweep_expired(deps)
    await session_uc.schedule_due(deps)
