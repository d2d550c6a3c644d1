"""The one start-up every service shares, so each ``main.py`` is composition only.

:func:`create_app` builds the FastAPI app with the house endpoints (``shared/web.py``),
declares in AsyncAPI every event type the service publishes, and gives it a lifespan
that opens the service's own database, creates the topics it publishes to, starts the
change relay (``shared/relay.py``) and the token verifier, runs the service's own
``setup`` (repositories, indexes, dependencies for the routes) and its periodic jobs,
and tears all of it down in reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from shared.auth import TokenVerifier, install_verifier
from shared.broker import create_broker, create_producer, ensure_topics
from shared.db import create_mongo_client, database_name
from shared.events import registry, topic_name
from shared.events.asyncapi import declare_publishers
from shared.events.contracts import load_all
from shared.relay import ChangeRelay
from shared.settings import Settings, get_settings
from shared.web import create_service_app

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What a service's ``setup`` gets: settings, its database, its broker and relay."""

    service: str
    settings: Settings
    client: AsyncMongoClient[Any]
    db: AsyncDatabase[Any]
    broker: KafkaBroker
    relay: ChangeRelay
    #: what ``setup`` opened and the service must close at shutdown (awaited in reverse)
    on_close: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)


def published_types(service: str) -> list[str]:
    """Every event type whose contract names ``service`` as its producer (``<service>.``)."""
    load_all()
    return [t for t in registry.types() if t.startswith(f"{service}.")]


def published_topics(service: str, settings: Settings) -> list[str]:
    return [topic_name(t, settings) for t in registry.topics(published_types(service))]


@dataclass(frozen=True)
class Periodic:
    """A job the service runs every ``seconds`` (sweeps, expiries); errors are logged."""

    name: str
    seconds: float
    run: Callable[[Any], Awaitable[Any]]


async def _every(job: Periodic, deps: Any) -> None:
    while True:
        try:
            await job.run(deps)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("periodic job %s failed; will retry", job.name)
        await asyncio.sleep(job.seconds)


def create_app(
    service: str,
    *,
    routers: Sequence[APIRouter],
    setup: Callable[[Runtime], Awaitable[Any]],
    settings: Settings | None = None,
    verifier: TokenVerifier | None = None,
    periodic: Sequence[Periodic] = (),
    subscribe: Callable[[KafkaBroker, Callable[[], Any]], None] | None = None,
    description: str | None = None,
    max_body_bytes: int | None = None,
) -> FastAPI:
    """The service's app. ``setup(runtime)`` returns the use cases' dependencies, kept as
    ``app.state.deps``; ``subscribe(broker, deps)`` registers event handlers at once (so
    AsyncAPI lists them), ``deps()`` giving the dependencies once the app has started."""
    settings = settings or get_settings()
    broker = create_broker(settings, service=service)
    declare_publishers(broker, published_types(service), settings, service=service)
    holder: dict[str, Any] = {}
    if subscribe is not None:
        subscribe(broker, lambda: holder["deps"])

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = create_mongo_client(settings)
        db = client[database_name(service, settings)]
        await ensure_topics(published_topics(service, settings), settings)
        relay = ChangeRelay(
            db,
            create_producer(settings, client_id=f"duijie-{service}"),
            service=service,
            settings=settings,
        )
        runtime = Runtime(service, settings, client, db, broker, relay)
        deps = await setup(runtime)
        app.state.deps = holder["deps"] = deps
        app.state.runtime = runtime
        app.state.relay = relay
        install_verifier(app, verifier)
        await relay.start()
        if subscribe is not None:
            await broker.start()
        tasks = [asyncio.create_task(_every(j, deps), name=f"{service}-{j.name}") for j in periodic]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if subscribe is not None:
                await broker.stop()
            await relay.stop()
            for close in reversed(runtime.on_close):
                await close()
            await client.close()

    extra = {} if max_body_bytes is None else {"max_body_bytes": max_body_bytes}
    return create_service_app(
        service,
        routers=routers,
        lifespan=lifespan,
        broker=broker,
        settings=settings,
        description=description,
        **extra,
    )
