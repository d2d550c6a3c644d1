"""Composition root: the techtransfer app (repositories, sweeper, routers) on
``shared.bootstrap``.

``uvicorn services.techtransfer.main:create_app --factory`` (the local stack does this).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from services.techtransfer.api import deals, interests, meetings, needs, offers, sessions
from services.techtransfer.settings import TechtransferSettings, get_techtransfer_settings
from services.techtransfer.storage import Repositories
from services.techtransfer.usecases import Deps, utc_now
from services.techtransfer.usecases.sweep import sweep_once
from shared.auth import TokenVerifier
from shared.bootstrap import Periodic, Runtime
from shared.bootstrap import create_app as create_service
from shared.db import database_name as shared_database_name
from shared.settings import Settings, get_settings

SERVICE = "techtransfer"
ROUTERS = [
    offers.router,
    needs.router,
    interests.router,
    deals.router,
    sessions.router,
    meetings.router,
]
__all__ = ["create_app", "database_name", "sweep_once"]


def database_name(settings: Settings, techtransfer: TechtransferSettings | None = None) -> str:
    """The database ``shared.bootstrap`` opens for techtransfer (``<db_prefix>_techtransfer``)."""
    return shared_database_name(SERVICE, settings)


async def sweep(deps: Any) -> None:
    await sweep_once(deps)


def create_app(
    settings: Settings | None = None,
    techtransfer_settings: TechtransferSettings | None = None,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    verifier: TokenVerifier | None = None,
    sweeper: bool = True,
) -> FastAPI:
    settings = settings or get_settings()
    techtransfer = techtransfer_settings or get_techtransfer_settings()

    async def setup(runtime: Runtime) -> Deps:
        repos = Repositories.over(runtime.db)
        await repos.ensure_indexes()
        return Deps(repos=repos, settings=techtransfer, clock=clock or utc_now)

    periodic = [Periodic("sweep", techtransfer.sweep_seconds, sweep)] if sweeper else []
    return create_service(
        SERVICE,
        routers=ROUTERS,
        setup=setup,
        settings=settings,
        verifier=verifier,
        periodic=periodic,
        description="Technology transfer: offers, needs, interests, deals, brokerage sessions",
    )
