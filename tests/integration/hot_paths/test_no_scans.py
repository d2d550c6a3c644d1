"""No collection scans on the hot paths, on the real engines.

On the local engine (FerretDB 1.x) only ``{_id: <value>}`` is answered from an index;
every other filter reads the whole collection (``shared/scans.py`` has the figures). Each
test runs one service's hot path use cases — publishing and listing records
(techtransfer), applying, reviewing and the review queue (catalogue), an event told to an
organisation's members, their inbox and the delivery workers' poll (notifications) — with
a PyMongo command listener on, and fails on any read or write whose filter is not keyed,
unless the allow-list below names it with the reason it is not on a hot path.

Not covered here: matching's hot path (its own tests count its commands:
``tests/integration/matching_service/test_stored_state.py``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient, monitoring

from services.catalogue.main import create_app as catalogue_app
from services.catalogue.settings import CatalogueSettings
from services.notifications.channels.webhook import WebhookSender
from services.notifications.domain.records import (
    DeliveryJob,
    JobKind,
    Recipient,
    WebhookEndpoint,
)
from services.notifications.main import mailer_from
from services.notifications.settings import NotificationsSettings
from services.notifications.storage import Repositories
from services.notifications.usecases import Deps, inbox
from services.notifications.usecases.notify import notify
from services.notifications.usecases.recipients import learn_user
from services.techtransfer.main import create_app as techtransfer_app
from services.techtransfer.settings import TechtransferSettings
from shared.auth import Caller, OrgType
from shared.scans import Scan, ScanWatch
from shared.settings import Settings
from tests.integration.notifications.conftest import match_event
from tests.support.auth import TokenMint, bearer, make_caller
from tests.support.techtransfer import NEED_FIELDS, OFFER_FIELDS

pytestmark = pytest.mark.integration

#: (collection, command) -> why it is not a hot-path scan
ALLOWED = {
    ("change_nudges", "find"): "the relay's poll of its nudge queue: nudges are deleted as "
    "their changes are published, so it stays small; no record lives there",
    ("change_nudges", "delete"): "the relay deleting the nudges it has published (by _id $in)",
    ("changes", "find"): "the relay's sweep for unmarked changes: when it takes the lease "
    "and every sweep_seconds, not per record",
    ("change_marks", "find"): "the same sweep (which changes are marked)",
    ("recent_notices", "find"): "a user learned from identity (registered, or moved to "
    "another organisation) is told the notices of the last late_joiner_hours: once per user "
    "learned, not per event (a keyed list here would add writes to every event instead)",
}


@pytest.fixture(scope="module")
def watch() -> ScanWatch:
    prefix = f"t_hot_{uuid.uuid4().hex[:8]}"
    listener = ScanWatch(prefix=prefix)
    listener.on = False
    monitoring.register(listener)  # global: every client made after this reports to it
    return listener


@pytest.fixture
async def settings(watch: ScanWatch) -> AsyncIterator[Settings]:
    run = uuid.uuid4().hex[:8]
    made = Settings(db_prefix=f"{watch.prefix}_{run}", topic_prefix=f"t-hot-{run}.",
                    group_prefix=f"t-hot-{run}")  # fmt: skip
    yield made
    client: AsyncMongoClient = AsyncMongoClient(made.mongo_url)
    for name in await client.list_database_names():
        if name.startswith(made.db_prefix):
            await client.drop_database(name)
    await client.close()


def hot(watch: ScanWatch) -> dict[Scan, int]:
    return {s: n for s, n in watch.seen.items() if (s.collection, s.command) not in ALLOWED}


class Http:
    def __init__(self, client: httpx.AsyncClient, mint: TokenMint) -> None:
        self.client, self.mint = client, mint

    async def __call__(self, caller: Caller, method: str, path: str, body: Any = None) -> Any:
        headers = bearer(self.mint.token(caller))
        r = await self.client.request(method, path, json=body, headers=headers)
        assert r.status_code < 300, f"{method} {path}: {r.status_code} {r.text[:300]}"
        return r.json()


async def served(app_factory: Callable[..., Any], settings: Settings, own: Any) -> Any:
    mint = TokenMint()
    app = app_factory(settings, own, verifier=mint.verifier(), sweeper=False)
    return app, mint


async def test_techtransfer_publishes_edits_and_lists_by_id(
    watch: ScanWatch, settings: Settings
) -> None:
    app, mint = await served(techtransfer_app, settings, TechtransferSettings(sweep_seconds=3600))
    university, enterprise = make_caller(OrgType.university), make_caller(OrgType.enterprise)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://tt") as client:
            call = Http(client, mint)
            watch.clear()
            watch.on = True
            offer = await call(university, "POST", "/offers", {**OFFER_FIELDS, "publish": True})
            need = await call(enterprise, "POST", "/needs", {**NEED_FIELDS, "publish": True})
            await call(university, "PATCH", f"/offers/{offer['id']}", {"title": "固态电池电解质"})
            await call(enterprise, "GET", f"/offers/{offer['id']}")
            mine = await call(university, "GET", f"/offers?owner={university.organisation_id}")
            theirs = await call(university, "GET", f"/needs?owner={enterprise.organisation_id}")
            await call(university, "POST", f"/offers/{offer['id']}/withdraw")
            after = await call(university, "GET", f"/offers?owner={university.organisation_id}")
            watch.on = False
    assert [o["id"] for o in mine["items"]] == [offer["id"]] and mine["total"] == 1
    assert [n["id"] for n in theirs["items"]] == [need["id"]]
    assert after["items"][0]["state"] == "withdrawn"
    assert hot(watch) == {}


async def test_catalogue_applications_and_the_review_queue_by_id(
    watch: ScanWatch, settings: Settings
) -> None:
    app, mint = await served(catalogue_app, settings, CatalogueSettings(sweep_seconds=3600))
    enterprise, operator = make_caller(OrgType.enterprise), make_caller(OrgType.operator)
    body = {"title": "智能巡检机器人", "domains": ["manufacturing"], "price_band": [1, 9]}
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://cat") as client:
            call = Http(client, mint)
            watch.clear()
            watch.on = True
            made = await call(enterprise, "POST", "/applications", body)
            await call(enterprise, "POST", f"/applications/{made['id']}/submit")
            queue = await call(operator, "GET", "/applications?state=submitted")
            await call(operator, "POST", f"/applications/{made['id']}/review",
                       {"decision": "approve"})  # fmt: skip
            emptied = await call(operator, "GET", "/applications?state=submitted")
            own = await call(enterprise, "GET", "/applications")
            watch.on = False
    assert [a["id"] for a in queue["items"]] == [made["id"]]
    assert emptied["total"] == 0 and own["items"][0]["state"] == "approved"
    assert hot(watch) == {}


async def test_notifications_tell_an_organisation_and_serve_inboxes_by_id(
    watch: ScanWatch, settings: Settings
) -> None:
    own = NotificationsSettings(database="notifications")
    client: AsyncMongoClient = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    repos = Repositories.over(client[f"{settings.db_prefix}_notifications"])
    await repos.ensure_indexes()
    org = f"org-{uuid.uuid4().hex[:8]}"
    now = dt.datetime.now(dt.UTC)
    async with httpx.AsyncClient(timeout=5) as http:
        deps = Deps(repos, own, mailer_from(own), WebhookSender(http))
        watch.clear()
        watch.on = True
        users = [f"u-{uuid.uuid4().hex[:8]}" for _ in range(2)]
        for user in users:
            await learn_user(deps, Recipient(user_id=user, organisation_id=org, name="李雷",
                                             version=1))  # fmt: skip
        await repos.webhooks.add(WebhookEndpoint(
            id=uuid.uuid4().hex, organisation_id=org, url="http://127.0.0.1:9/hook",
            secret="s" * 32, created_at=now, created_by=users[0],
        ))  # fmt: skip
        events = [match_event(org) for _ in range(3)]
        for event in events:
            assert await notify(deps, event) == 2
        page = await inbox.page(deps, users[0], unread_only=False, limit=2, cursor=None)
        rest = await inbox.page(deps, users[0], unread_only=False, limit=2,
                                cursor=page.next_cursor)  # fmt: skip
        await inbox.mark_read(deps, users[0], page.items[0].id)
        unread = await inbox.unread_count(deps, users[0])
        marked = await inbox.mark_all_read(deps, users[1])
        left = await inbox.unread_count(deps, users[1])
        await repos.jobs.add(
            DeliveryJob(
                id=uuid.uuid4().hex,
                kind=JobKind.webhook,
                organisation_id=org,
                endpoint_id="e1",
                event_id=events[0].id,
                event_type=events[0].type,
                body="{}",
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        )  # fmt: skip  (preferences default to in-app: queue one delivery for the poll)
        due = await repos.jobs.next_due()  # the delivery worker's poll
        claimed = await repos.jobs.claim(dt.datetime.now(dt.UTC), now + dt.timedelta(minutes=1))
        watch.on = False
    await client.close()
    assert len(page.items) == 2 and len(rest.items) == 1 and page.unread == 3
    assert {m.event_id for m in [*page.items, *rest.items]} == {e.id for e in events}
    assert (unread, marked, left) == (2, 3, 0)
    assert due is not None and claimed is not None and claimed.job.kind.value == "webhook"
    assert hot(watch) == {}
