"""Composition root: the catalogue app (stores, sweeper, routers).

``uvicorn services.catalogue.main:create_app --factory`` (the local stack does this, port 8005).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from services.catalogue.api.routes import ROUTERS
from services.catalogue.settings import CatalogueSettings, get_catalogue_settings
from services.catalogue.storage import Repositories
from services.catalogue.usecases import Deps, utc_now
from services.catalogue.usecases.sweep import expire_once, reconcile_once
from shared.auth import TokenVerifier
from shared.bootstrap import Periodic, Runtime
from shared.bootstrap import create_app as create_service
from shared.settings import Settings, get_settings

SERVICE = "catalogue"


def create_app(
    settings: Settings | None = None,
    catalogue_settings: CatalogueSettings | None = None,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    verifier: TokenVerifier | None = None,
    sweeper: bool = True,
) -> FastAPI:
    settings = settings or get_settings()
    own = catalogue_settings or get_catalogue_settings()

    async def setup(runtime: Runtime) -> Deps:
        repos = Repositories.over(runtime.db)
        await repos.ensure_indexes()
        return Deps(repos=repos, settings=own, clock=clock or utc_now)

    async def expire(deps: Any) -> None:
        await expire_once(deps)

    async def reconcile(deps: Any) -> None:
        await reconcile_once(deps)

    periodic = (
        [Periodic("expire", own.sweep_seconds, expire),
         Periodic("reconcile", own.reconcile_seconds, reconcile)]
        if sweeper else []
    )  # fmt: skip
    return create_service(
        SERVICE,
        routers=ROUTERS,
        setup=setup,
        settings=settings,
        verifier=verifier,
        periodic=periodic,
        description="Catalogue market: new-technology/new-product list, SOE needs, launch events",
    )
