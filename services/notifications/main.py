"""Composition root: builds the notifications app (storage, channels, delivery workers,
the Kafka subscriber and the routers).

``uvicorn services.notifications.main:create_app --factory`` (the local stack does this).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from services.notifications import handlers
from services.notifications.api.routes import ROUTERS
from services.notifications.channels.email import SmtpMailer
from services.notifications.channels.webhook import WebhookSender
from services.notifications.settings import NotificationsSettings, get_notifications_settings
from services.notifications.storage import Repositories
from services.notifications.usecases import Deps, utc_now
from services.notifications.usecases.delivery import housekeeping, run_worker
from shared.auth import TokenVerifier, install_verifier
from shared.broker import create_broker, ensure_topics
from shared.db import create_mongo_client
from shared.settings import Settings, get_settings
from shared.web import create_service_app

log = logging.getLogger(__name__)
HOUSEKEEPING_SECONDS = 6 * 3600


def database_name(settings: Settings, notifications: NotificationsSettings) -> str:
    return f"{settings.db_prefix}_{notifications.database}"


def mailer_from(settings: NotificationsSettings) -> SmtpMailer:
    return SmtpMailer.of(settings)


def webhook_sender_stub() -> WebhookSender:
    """A sender for commands that never send webhooks (its client is never opened)."""
    return WebhookSender(httpx.AsyncClient())


async def housekeeping_forever(deps: Deps) -> None:
    while True:
        try:
            messages, jobs = await housekeeping(deps)
            if messages or jobs:
                log.info("housekeeping removed %d messages, %d jobs", messages, jobs)
        except Exception:
            log.exception("housekeeping failed; will retry")
        await asyncio.sleep(HOUSEKEEPING_SECONDS)


def create_app(
    settings: Settings | None = None,
    notifications_settings: NotificationsSettings | None = None,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    verifier: TokenVerifier | None = None,
    workers: bool = True,
    consume: bool = True,
) -> FastAPI:
    settings = settings or get_settings()
    notifications = notifications_settings or get_notifications_settings()
    broker = create_broker(settings, service=handlers.SERVICE) if consume else None
    bell = asyncio.Event()
    holder: dict[str, Deps] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = create_mongo_client(settings)
        repos = Repositories.over(client[database_name(settings, notifications)])
        await repos.ensure_indexes()
        http = httpx.AsyncClient(timeout=notifications.webhook_timeout_seconds)
        deps = Deps(
            repos=repos,
            settings=notifications,
            mailer=mailer_from(notifications),
            webhooks=WebhookSender(http),
            clock=clock or utc_now,
            wake_worker=bell.set,
        )
        holder["deps"] = app.state.deps = deps
        tasks = []
        if workers:
            watch = asyncio.Lock()  # one idle worker watches the clock for all of them
            tasks = [
                asyncio.create_task(
                    run_worker(deps, bell, watch), name=f"notifications-worker-{i}"
                )
                for i in range(notifications.workers)
            ]
            tasks.append(asyncio.create_task(housekeeping_forever(deps), name="housekeeping"))
        if broker is not None:
            await ensure_topics(handlers.consumed_topics(settings), settings)
            await broker.start()
        try:
            yield
        finally:
            if broker is not None:
                await broker.stop()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await http.aclose()
            await client.close()

    if broker is not None:
        handlers.subscribe(broker, settings, lambda: holder["deps"])
    app = create_service_app(handlers.SERVICE, routers=ROUTERS, lifespan=lifespan, broker=broker)
    install_verifier(app, verifier)
    return app
