"""Composition root: builds the matching app (indexes, storage, relay, subscribers, routers).

``uvicorn services.matching.main:create_app --factory`` (the local stack does this, port 8003).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.matching import handlers
from services.matching.api.routes import ROUTERS, install_error_handler
from services.matching.settings import MatchingSettings, get_matching_settings
from services.matching.storage import OUTBOX_COLLECTIONS, Repositories
from services.matching.storage.search import SearchProjection
from services.matching.usecases import Deps
from shared.auth import TokenVerifier, install_verifier
from shared.broker import create_broker, create_producer, ensure_topics
from shared.db import create_mongo_client, database_name
from shared.events import topic_name
from shared.events.contracts.matching import MATCH_TOPIC
from shared.outbox import OutboxRelay
from shared.search import create_search_client
from shared.settings import Settings, get_settings
from shared.web import create_service_app

SERVICE = "matching"


def create_app(
    settings: Settings | None = None,
    matching_settings: MatchingSettings | None = None,
    *,
    verifier: TokenVerifier | None = None,
    consume: bool = True,
) -> FastAPI:
    settings = settings or get_settings()
    matching = matching_settings or get_matching_settings()
    broker = create_broker(settings, service=SERVICE) if consume else None
    holder: dict[str, Deps] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        mongo = create_mongo_client(settings)
        search_client = create_search_client(settings)
        db = mongo[database_name(matching.database, settings)]
        search = SearchProjection(search_client, settings.index_prefix)
        repos = Repositories.over(db)
        await search.ensure_indexes()
        await repos.ensure_indexes()
        await ensure_topics(
            [*handlers.record_topics(settings), topic_name(MATCH_TOPIC, settings)], settings
        )
        relay = OutboxRelay(
            db, OUTBOX_COLLECTIONS, create_producer(settings), settings=settings, service=SERVICE
        )
        await relay.start()
        deps = Deps(repos=repos, search=search, settings=matching, wake_outbox=relay.wake)
        holder["deps"] = app.state.deps = deps
        app.state.relay = relay
        if broker is not None:
            await broker.start()
        try:
            yield
        finally:
            if broker is not None:
                await broker.stop()
            await relay.stop()
            await search_client.close()
            await mongo.close()

    if broker is not None:
        handlers.subscribe(
            broker, settings, lambda: holder["deps"], concurrency=matching.consumer_concurrency
        )
    app = create_service_app(SERVICE, routers=ROUTERS, lifespan=lifespan, broker=broker)
    install_error_handler(app)
    install_verifier(app, verifier)
    return app
