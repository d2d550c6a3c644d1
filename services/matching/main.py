"""Composition root: the matching app (indexes, storage, projection, subscribers, routers).

``uvicorn services.matching.main:create_app --factory`` (the local stack does this, port 8003).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from services.matching import handlers
from services.matching.api.routes import ROUTERS, install_error_handler
from services.matching.ranking import semantic
from services.matching.settings import MatchingSettings, get_matching_settings
from services.matching.storage import Repositories
from services.matching.storage.search import SearchProjection
from services.matching.usecases import Deps
from shared.auth import TokenVerifier
from shared.bootstrap import Runtime
from shared.bootstrap import create_app as create_service
from shared.broker import ensure_topics
from shared.search import create_search_client
from shared.settings import Settings, get_settings

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

    async def setup(runtime: Runtime) -> Deps:
        search_client = create_search_client(settings)
        runtime.on_close.append(search_client.close)
        search = SearchProjection(search_client, settings.index_prefix)
        repos = Repositories.over(runtime.db)
        await search.ensure_indexes()
        await repos.ensure_indexes()
        await ensure_topics(handlers.record_topics(settings), settings)
        # the sentence model loads here (~1-2 s), not on the first record's projection
        await asyncio.to_thread(semantic.model)
        return Deps(repos=repos, search=search, settings=matching)

    def subscribe(broker: KafkaBroker, deps: Callable[[], Deps]) -> None:
        handlers.subscribe(broker, settings, deps, concurrency=matching.consumer_concurrency)

    app = create_service(
        SERVICE, routers=ROUTERS, setup=setup, settings=settings, verifier=verifier,
        subscribe=subscribe if consume else None,
    )  # fmt: skip
    install_error_handler(app)
    return app
