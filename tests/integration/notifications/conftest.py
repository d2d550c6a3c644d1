"""Notifications against the real engines: a throw-away database, an SMTP sink and a
webhook receiver on free ports, and the service's own delivery workers.

``Harness`` gives the use cases the same wiring ``main.py`` uses; ``wait_for`` polls a
condition with a deadline (no sleeps as synchronisation). The over-Kafka modules run the
whole app with ``running_service`` on throw-away prefixes, put events on its topics with
``publish`` and read inboxes with ``inbox`` / ``arrives``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaProducer
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Request, Response
from pydantic import BaseModel
from pymongo import AsyncMongoClient

from services.notifications.channels.email import SmtpMailer
from services.notifications.channels.webhook import WebhookSender
from services.notifications.domain.records import Recipient
from services.notifications.domain.rules import IncomingEvent
from services.notifications.domain.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from services.notifications.handlers import consumed_topics
from services.notifications.main import create_app, database_name
from services.notifications.settings import NotificationsSettings
from services.notifications.storage import Repositories
from services.notifications.usecases import Deps, utc_now
from services.notifications.usecases.delivery import run_worker
from shared.broker import delete_topics
from shared.db import create_mongo_client
from shared.events import Envelope, new_event, topic_for
from shared.settings import Settings, get_settings
from tests.support.auth import bearer
from tests.support.mail import free_port, mails, smtp_sink

T = TypeVar("T")


async def wait_for(
    probe: Callable[[], Awaitable[T]], *, timeout: float = 20.0, interval: float = 0.05
) -> T:
    """Poll ``probe`` until it returns something truthy, or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {value!r})")
        await asyncio.sleep(interval)


class ShiftableClock:
    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return utc_now() + self.offset


@dataclass
class Receiver:
    """A webhook receiver that checks signatures; answers 500 ``fail_next`` times first."""

    secrets: dict[str, str] = field(default_factory=dict)  # path -> secret
    fail_next: dict[str, int] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def accepted(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == path and r["status"] == 204]

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/{path}")
        async def receive(path: str, request: Request) -> Response:
            body = await request.body()
            ok = verify(
                self.secrets.get(path, ""),
                request.headers.get(TIMESTAMP_HEADER, ""),
                request.headers.get(SIGNATURE_HEADER, ""),
                body,
                now=int(time.time()),
            )
            failing = self.fail_next.get(path, 0)
            status = 401 if not ok else 500 if failing else 204
            if failing and ok:
                self.fail_next[path] = failing - 1
            self.requests.append(
                {
                    "path": path,
                    "status": status,
                    "signature_ok": ok,
                    "headers": dict(request.headers),
                    "json": json.loads(body),
                }
            )
            return Response(status_code=status)

        return app


@dataclass
class Harness:
    deps: Deps
    clock: ShiftableClock
    mail_folder: Path
    receiver: Receiver
    bell: asyncio.Event

    async def learn(
        self, organisation_id: str, name: str, *, role: str = "member", language: str = "zh-CN"
    ) -> str:
        user_id = f"u-{uuid.uuid4().hex[:10]}"
        await self.deps.repos.recipients.upsert(
            Recipient(user_id=user_id, organisation_id=organisation_id, name=name, role=role,
                      language=language, version=1)
        )  # fmt: skip
        return user_id

    def mails(self) -> list[EmailMessage]:
        return mails(self.mail_folder)


def new_org() -> str:
    return f"org-{uuid.uuid4().hex[:10]}"


def match_event(recipient_org: str, **extra: Any) -> IncomingEvent:
    data = {
        "match_id": f"need-{uuid.uuid4().hex[:6]}|offer-1", "trigger": "ranking",
        "reason": "entered_top", "recipient_org_id": recipient_org, "demand_id": "need-1",
        "demand_kind": "tech_need", "demand_org_id": recipient_org, "supply_id": "offer-1",
        "supply_kind": "tech_offer", "supply_org_id": "org-supply", "score": 7.5, "rank": 1,
        "summary": "entered the top results at #1; matched: 储能", **extra,
    }  # fmt: skip
    return IncomingEvent(
        id=uuid.uuid4().hex, type="matching.match.suggested", subject=data["match_id"],
        time=dt.datetime.now(dt.UTC), data=data,
    )  # fmt: skip


def harness_settings(smtp_port: int) -> NotificationsSettings:
    return NotificationsSettings(
        database=f"notifications_{uuid.uuid4().hex[:8]}",
        smtp_port=smtp_port,
        max_attempts=4,
        backoff_base_seconds=0.05,
        backoff_max_seconds=0.2,
        backoff_jitter=0,
        poll_seconds=0.1,
        lease_seconds=30,
        portal_url="http://portal.test",
    )


@contextlib.asynccontextmanager
async def receiver_server() -> AsyncIterator[Receiver]:
    receiver = Receiver(port=free_port())
    server = uvicorn.Server(
        uvicorn.Config(receiver.app(), host="127.0.0.1", port=receiver.port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    await wait_for(started, timeout=10)
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task


@pytest.fixture(scope="module")
async def harness(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    folder = tmp_path_factory.mktemp("mail")
    with smtp_sink(folder) as smtp_port:
        async with receiver_server() as receiver:
            settings = harness_settings(smtp_port)
            mongo: AsyncMongoClient = AsyncMongoClient(get_settings().mongo_url, tz_aware=True)
            repos = Repositories.over(mongo[settings.database])
            await repos.ensure_indexes()
            clock = ShiftableClock()
            bell = asyncio.Event()
            async with httpx.AsyncClient(timeout=5) as http:
                mailer = SmtpMailer("127.0.0.1", smtp_port, sender=settings.mail_from)
                deps = Deps(repos, settings, mailer, WebhookSender(http), clock, bell.set)
                watch = asyncio.Lock()  # as main.py: idle workers share one clock watch
                workers = [asyncio.create_task(run_worker(deps, bell, watch)) for _ in range(2)]
                try:
                    yield Harness(deps, clock, folder, receiver, bell)
                finally:
                    for task in workers:
                        task.cancel()
                    await asyncio.gather(*workers, return_exceptions=True)
            await mongo.drop_database(settings.database)
            await mongo.close()


@contextlib.asynccontextmanager
async def running_service(
    notifications: NotificationsSettings, verifier: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, Settings, Deps]]:
    """The whole app (consumers, workers) on throw-away prefixes, an HTTP client on it;
    afterwards its topics and database dropped."""
    suffix = uuid.uuid4().hex[:10]
    settings = Settings(
        db_prefix=f"test_{suffix}", topic_prefix=f"test_{suffix}.", group_prefix=f"test_{suffix}"
    )
    app = create_app(settings, notifications, verifier=verifier)
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://n") as client:
                yield client, settings, app.state.deps
    finally:
        await delete_topics(consumed_topics(settings), settings)
        mongo = create_mongo_client(settings)
        await mongo.drop_database(database_name(settings, notifications))
        await mongo.close()


async def publish(settings: Settings, *events: Envelope | tuple[BaseModel, str]) -> None:
    """Put events on their (prefixed) topics in order: envelopes as they are, or
    ``(payload, subject)`` pairs as version 1 from a test producer."""
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap, acks="all", enable_idempotence=True
    )
    await producer.start()
    try:
        for item in events:
            env = item if isinstance(item, Envelope) else new_event(
                item[0], subject=item[1], version=1, source="test"
            )  # fmt: skip
            await producer.send_and_wait(
                topic_for(env.type, settings), env.to_json_bytes(), key=env.kafka_key()
            )
    finally:
        await producer.stop()


async def inbox(client: httpx.AsyncClient, token: str) -> list[dict]:
    response = await client.get("/inbox?limit=50", headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def arrives(client: httpx.AsyncClient, token: str, count: int = 1) -> list[dict]:
    """The inbox once it holds at least ``count`` messages (deadline 90 s)."""

    async def seen() -> list[dict] | None:
        items = await inbox(client, token)
        return items if len(items) >= count else None

    return await wait_for(seen, timeout=90)
