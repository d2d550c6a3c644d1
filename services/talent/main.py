"""Composition root: the talent app (stores, sweeper, routers).

``uvicorn services.talent.main:create_app --factory`` (the local stack does this, port 8008).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from services.talent.api.routes import ROUTERS
from services.talent.settings import TalentSettings, get_talent_settings
from services.talent.storage import Repositories
from services.talent.usecases import Deps, utc_now
from services.talent.usecases.sweep import sweep_once
from shared.auth import TokenVerifier
from shared.bootstrap import Periodic, Runtime
from shared.bootstrap import create_app as create_service
from shared.settings import Settings, get_settings

SERVICE = "talent"


def create_app(
    settings: Settings | None = None,
    talent_settings: TalentSettings | None = None,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    verifier: TokenVerifier | None = None,
    sweeper: bool = True,
) -> FastAPI:
    settings = settings or get_settings()
    talent = talent_settings or get_talent_settings()

    async def setup(runtime: Runtime) -> Deps:
        repos = Repositories.over(runtime.db)
        await repos.ensure_indexes()
        return Deps(repos=repos, settings=talent, clock=clock or utc_now)

    async def sweep(deps: Any) -> None:
        await sweep_once(deps)

    periodic = [Periodic("sweep", talent.sweep_seconds, sweep)] if sweeper else []
    return create_service(
        SERVICE,
        routers=ROUTERS,
        setup=setup,
        settings=settings,
        verifier=verifier,
        periodic=periodic,
        description="Talent market: demands, agencies, claims, candidates",
    )
