"""Composition root: the roadshows app (stores, consumers, sweeper, routers).

``uvicorn services.roadshows.main:create_app --factory`` (the local stack does this, port 8007).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from services.roadshows import handlers
from services.roadshows.api.routes import ROUTERS
from services.roadshows.settings import RoadshowsSettings, get_roadshows_settings
from services.roadshows.storage import Repositories
from services.roadshows.usecases import Deps, utc_now
from services.roadshows.usecases.sweep import sweep_once
from shared.auth import TokenVerifier
from shared.bootstrap import Periodic, Runtime
from shared.bootstrap import create_app as create_service
from shared.broker import ensure_topics
from shared.events import topic_name
from shared.limits import MAX_BODY_BYTES
from shared.settings import Settings, get_settings

SERVICE = "roadshows"


def create_app(
    settings: Settings | None = None,
    roadshows_settings: RoadshowsSettings | None = None,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    verifier: TokenVerifier | None = None,
    sweeper: bool = True,
) -> FastAPI:
    settings = settings or get_settings()
    roadshows = roadshows_settings or get_roadshows_settings()

    async def setup(runtime: Runtime) -> Deps:
        repos = Repositories.over(runtime.db)
        await repos.ensure_indexes()
        if roadshows.consume:  # the topics we read may not exist yet on a fresh broker
            topics = [topic_name(t, settings) for t in handlers.CONSUMED_TOPICS]
            await ensure_topics(topics, settings)
        return Deps(repos=repos, settings=roadshows, clock=clock or utc_now)

    def subscribe(broker: KafkaBroker, deps: Callable[[], Deps]) -> None:
        handlers.subscribe(broker, settings, deps)

    async def sweep(deps: Any) -> None:
        await sweep_once(deps)

    periodic = [Periodic("sweep", roadshows.sweep_seconds, sweep)] if sweeper else []
    return create_service(
        SERVICE,
        routers=ROUTERS,
        setup=setup,
        settings=settings,
        verifier=verifier,
        periodic=periodic,
        subscribe=subscribe if roadshows.consume else None,
        description="Roadshows: mandates, pitches, monthly domain roadshows (policy 10(3))",
        # a deck upload may be larger than the house bound for JSON bodies
        max_body_bytes=max(MAX_BODY_BYTES, roadshows.deck_max_bytes + 64_000),
    )
