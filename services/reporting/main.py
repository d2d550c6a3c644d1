"""Composition root: the reporting app (snapshot, topic reader, alerts, routers).

``uvicorn services.reporting.main:create_app --factory`` (the local stack does this, port 8009).
One replica: the read model lives in memory, fed by one reader (see ``handlers``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI

from services.reporting.api.routes import ROUTERS
from services.reporting.handlers import TopicReader
from services.reporting.settings import ReportingSettings, get_reporting_settings
from services.reporting.storage.alerts import alert_store
from services.reporting.storage.snapshots import SnapshotRepository
from services.reporting.usecases.alerts import AlertRaiser
from services.reporting.usecases.project import Projector
from services.reporting.usecases.queries import Deps
from shared.auth import TokenVerifier
from shared.bootstrap import Periodic, Runtime
from shared.bootstrap import create_app as create_service
from shared.broker import create_producer
from shared.settings import Settings, get_settings

SERVICE = "reporting"
log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    reporting_settings: ReportingSettings | None = None,
    *,
    verifier: TokenVerifier | None = None,
    consume: bool = True,
) -> FastAPI:
    settings = settings or get_settings()
    rs = reporting_settings or get_reporting_settings()

    async def setup(runtime: Runtime) -> Deps:
        projector = Projector(SnapshotRepository(runtime.db), interval=rs.checkpoint_seconds)
        await projector.open()
        deps = Deps(
            projector, AlertRaiser(alert_store(runtime.db), rs.thresholds()), rs.thresholds()
        )
        if not consume:
            return deps
        producer = create_producer(settings, client_id="duijie-reporting-dlq")
        reader = TopicReader(projector, settings, producer)
        await reader.start()
        task = asyncio.create_task(reader.run(), name="reporting-reader")
        deps.reader = reader

        async def close() -> None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            with contextlib.suppress(Exception):
                await projector.save()  # what was read since the last checkpoint
            await reader.stop()
            await producer.stop()

        runtime.on_close.append(close)
        return deps

    async def raise_alerts(deps: Deps) -> None:
        await deps.raiser.raise_due(deps.projector.model)

    return create_service(
        SERVICE, routers=ROUTERS, setup=setup, settings=settings, verifier=verifier,
        periodic=[Periodic("alerts", rs.alert_seconds, raise_alerts)],
        description="监测与评估 Reporting: funnels, enterprise profiles, alerts, annual report",
    )  # fmt: skip
