"""Composition root: builds the techtransfer app (storage, relay, verifier, sweeper, routers).

``uvicorn services.techtransfer.main:create_app --factory`` (the local stack does this).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.techtransfer.api import deals, interests, meetings, needs, offers, sessions
from services.techtransfer.domain.errors import DomainError
from services.techtransfer.errors import handle_domain_error
from services.techtransfer.settings import TechtransferSettings, get_techtransfer_settings
from services.techtransfer.storage import OUTBOX_COLLECTIONS, Repositories
from services.techtransfer.usecases import Deps, utc_now
from services.techtransfer.usecases import interests as interest_uc
from services.techtransfer.usecases import sessions as session_uc
from shared.auth import TokenVerifier, install_verifier
from shared.broker import create_broker, create_producer, ensure_topics
from shared.db import create_mongo_client
from shared.events import registry, topic_name
from shared.events.asyncapi import declare_publishers
from shared.events.contracts import load_all
from shared.outbox import OutboxRelay
from shared.settings import Settings, get_settings
from shared.web import create_service_app

log = logging.getLogger(__name__)
ROUTERS = [
    offers.router,
    needs.router,
    interests.router,
    deals.router,
    sessions.router,
    meetings.router,
]


def database_name(settings: Settings, techtransfer: TechtransferSettings) -> str:
    return f"{settings.db_prefix}_{techtransfer.database}"


def event_types() -> list[str]:
    """Every event type techtransfer publishes (its contracts in the registry)."""
    load_all()
    return [t for t in registry.types() if t.startswith("techtransfer.")]


def topics(settings: Settings) -> list[str]:
    """Every topic techtransfer publishes to, with the deployment's prefix."""
    return [topic_name(t, settings) for t in registry.topics(event_types())]


async def sweep_once(deps: Deps) -> None:
    """Expire unanswered interests; expire requests and schedule sessions past deadline."""
    await interest_uc.sweep_expired(deps)
    await session_uc.schedule_due(deps)


async def sweep_forever(deps: Deps) -> None:
    while True:
        try:
            await sweep_once(deps)
        except Exception:
            log.exception("techtransfer sweep failed; will retry")
        await asyncio.sleep(deps.settings.sweep_seconds)


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

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = create_mongo_client(settings)
        db = client[database_name(settings, techtransfer)]
        repos = Repositories.over(db)
        await repos.ensure_indexes()
        await ensure_topics(topics(settings), settings)
        deps = Deps(repos=repos, settings=techtransfer, clock=clock or utc_now)
        producer = create_producer(settings, client_id="duijie-techtransfer")
        relay = OutboxRelay(
            db,
            collections=OUTBOX_COLLECTIONS,
            producer=producer,
            settings=settings,
            service="techtransfer",
        )
        await relay.start()
        # Waking is safe: the relay never writes the aggregate documents (see
        # shared/outbox.py), so it cannot undo a state change it overlaps.
        deps.wake_outbox = relay.wake
        app.state.deps = deps
        app.state.relay = relay
        install_verifier(app, verifier)
        task = (
            asyncio.create_task(sweep_forever(deps), name="techtransfer-sweep") if sweeper else None
        )
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await relay.stop()
            await client.close()

    # The relay publishes with its own producer; the broker exists for /asyncapi.json.
    broker = create_broker(settings, service="techtransfer")
    declare_publishers(broker, event_types(), settings, service="techtransfer")
    app = create_service_app(
        "techtransfer", routers=ROUTERS, lifespan=lifespan, broker=broker, settings=settings
    )
    app.add_exception_handler(DomainError, handle_domain_error)
    return app
