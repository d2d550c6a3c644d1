"""Composition root: the scenarios app (stores, the push consumer, routers).

``uvicorn services.scenarios.main:create_app --factory`` (the local stack does this, port 8006).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from services.scenarios import handlers
from services.scenarios.api.routes import ROUTERS
from services.scenarios.settings import ScenariosSettings, get_scenarios_settings
from services.scenarios.storage import Repositories
from services.scenarios.usecases import Deps, utc_now
from shared.auth import TokenVerifier
from shared.bootstrap import Runtime
from shared.bootstrap import create_app as create_service
from shared.broker import ensure_topics
from shared.events import topic_name
from shared.settings import Settings, get_settings

SERVICE = "scenarios"


def create_app(
    settings: Settings | None = None,
    scenarios_settings: ScenariosSettings | None = None,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    verifier: TokenVerifier | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    own = scenarios_settings or get_scenarios_settings()

    async def setup(runtime: Runtime) -> Deps:
        repos = Repositories.over(runtime.db)
        await repos.ensure_indexes()
        if own.consume:  # the topic we read may not exist yet on a fresh broker
            await ensure_topics(
                [topic_name(t, settings) for t in handlers.CONSUMED_TOPICS], settings
            )
        return Deps(repos=repos, settings=own, clock=clock or utc_now)

    def subscribe(broker: KafkaBroker, deps: Callable[[], Deps]) -> None:
        handlers.subscribe(broker, settings, deps)

    return create_service(
        SERVICE,
        routers=ROUTERS,
        setup=setup,
        settings=settings,
        verifier=verifier,
        subscribe=subscribe if own.consume else None,
        description="Scenarios: application scenarios, pushes, 揭榜 and 遴选 (policy 12(4))",
    )
