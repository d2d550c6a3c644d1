"""Every route × org type × role × (own / someone else's) answers exactly the allowed
status; every route answers 401 to a missing, expired, tampered or foreign token; and
every route declares who may call it.

Inbox and preferences routes are per user (the user comes from the token): "someone
else's" is a message of another user, which answers 404 as if it did not exist.
Webhook routes belong to the admin of the organisation in the path, operators included
in the refusal (they would see delivery bodies and manage secrets of others).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.notifications.api.routes import ROUTERS
from services.notifications.domain import ids
from services.notifications.domain.records import DeliveryJob, JobKind, JobStatus, Recipient
from services.notifications.main import create_app
from services.notifications.usecases import webhooks
from services.notifications.usecases.notify import notify
from shared.auth import (
    DEFAULT_PUBLIC_PATHS,
    Caller,
    OrgType,
    Role,
    api_routes,
    install_verifier,
    public_routes,
    undeclared_routes,
)
from shared.web import install_error_handlers
from tests.integration.notifications.conftest import Harness, match_event
from tests.support.auth import TokenMint, bearer, make_caller

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@dataclass
class Case:
    caller: Caller
    owner: bool
    token: str
    target_org: str  # organisation in the path
    target_message: str  # a message id: the caller's own, or another user's
    label: str


@dataclass
class World:
    h: Harness
    client: httpx.AsyncClient
    app: FastAPI
    mint: TokenMint
    cases: list[Case]


def build_app(h: Harness, mint: TokenMint) -> FastAPI:
    """The service's routers over the harness' dependencies (what create_app mounts)."""
    app = FastAPI()
    for router in ROUTERS:
        app.include_router(router)
    install_error_handlers(app)
    app.state.deps = h.deps
    install_verifier(app, mint.verifier())
    return app


async def message_for(h: Harness, caller: Caller) -> str:
    await h.deps.repos.recipients.upsert(
        Recipient(user_id=caller.user_id, organisation_id=caller.organisation_id, version=1)
    )
    event = match_event(caller.organisation_id, user_id=caller.user_id)
    await notify(h.deps, event)
    return ids.message_id(event.id, caller.user_id)


@pytest.fixture(scope="module")
async def world(harness: Harness) -> AsyncIterator[World]:
    mint = TokenMint()
    app = build_app(harness, mint)
    cases = []
    for org_type in OrgType:
        org = f"{org_type.value}-{uuid.uuid4().hex[:8]}"
        other_org = f"{org_type.value}-{uuid.uuid4().hex[:8]}"
        neighbour = make_caller(org_type, role=Role.member, org_id=org)
        neighbour_message = await message_for(harness, neighbour)
        for role in Role:
            caller = make_caller(org_type, role=role, org_id=org)
            own_message = await message_for(harness, caller)
            token = mint.token(caller)
            label = f"{org_type.value}/{role.value}"
            cases.append(Case(caller, True, token, org, own_message, f"{label}/own"))
            cases.append(Case(caller, False, token, other_org, neighbour_message, f"{label}/other"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications") as client:
        yield World(harness, client, app, mint, cases)


def admin_of_target(c: Case) -> bool:
    return c.owner and c.caller.role is Role.admin


async def endpoint_of(w: World, c: Case) -> str:
    registered = await webhooks.register(
        w.h.deps, c.target_org, "setup", "http://127.0.0.1:9/x", ""
    )
    return registered.endpoint.id


async def failed_delivery_of(w: World, c: Case) -> str:
    now = dt.datetime.now(dt.UTC)
    job = DeliveryJob(
        id=uuid.uuid4().hex, kind=JobKind.webhook, status=JobStatus.failed,
        organisation_id=c.target_org, endpoint_id="gone", event_id="e", event_type="t",
        body="{}", attempts=4, last_error="http 500", next_attempt_at=now + dt.timedelta(days=999),
        created_at=now, updated_at=now,
    )  # fmt: skip
    await w.h.deps.repos.jobs.add(job)
    return job.id


Build = Callable[[World, Case], Awaitable[tuple[str, str, dict[str, Any] | None]]]
Expect = Callable[[Case], int]


async def static(method: str, path: str, body: dict[str, Any] | None = None):
    return method, path, body


async def _delete_endpoint(w: World, c: Case):
    return "DELETE", f"/organisations/{c.target_org}/webhooks/{await endpoint_of(w, c)}", None


async def _retry(w: World, c: Case):
    job = await failed_delivery_of(w, c)
    return "POST", f"/organisations/{c.target_org}/webhook-deliveries/{job}/retry", None


ENDPOINTS: dict[str, tuple[Build, Expect]] = {
    "GET /inbox": (lambda w, c: static("GET", "/inbox?unread=true&limit=5"), lambda c: 200),
    "GET /inbox/unread-count": (lambda w, c: static("GET", "/inbox/unread-count"), lambda c: 200),
    "POST /inbox/read-all": (lambda w, c: static("POST", "/inbox/read-all"), lambda c: 200),
    "POST /inbox/{message_id}/read": (
        lambda w, c: static("POST", f"/inbox/{c.target_message}/read"),
        lambda c: 200 if c.owner else 404,
    ),
    "GET /preferences": (lambda w, c: static("GET", "/preferences"), lambda c: 200),
    "PUT /preferences": (
        lambda w, c: static(
            "PUT", "/preferences",
            {"email": "x@example.cn", "categories": {"tier": {"channel": "email"}}},
        ),
        lambda c: 200,
    ),
    "POST /organisations/{organisation_id}/webhooks": (
        lambda w, c: static(
            "POST", f"/organisations/{c.target_org}/webhooks", {"url": "https://erp.example.cn/h"}
        ),
        lambda c: 201 if admin_of_target(c) else 403,
    ),
    "GET /organisations/{organisation_id}/webhooks": (
        lambda w, c: static("GET", f"/organisations/{c.target_org}/webhooks"),
        lambda c: 200 if admin_of_target(c) else 403,
    ),
    "DELETE /organisations/{organisation_id}/webhooks/{endpoint_id}": (
        _delete_endpoint, lambda c: 204 if admin_of_target(c) else 403,
    ),
    "GET /organisations/{organisation_id}/webhook-deliveries": (
        lambda w, c: static(
            "GET", f"/organisations/{c.target_org}/webhook-deliveries?status=failed"
        ),
        lambda c: 200 if admin_of_target(c) else 403,
    ),
    "POST /organisations/{organisation_id}/webhook-deliveries/{delivery_id}/retry": (
        _retry, lambda c: 200 if admin_of_target(c) else 403,
    ),
}  # fmt: skip


def test_every_route_declares_its_callers_and_is_in_the_matrix(world: World) -> None:
    app = create_app(consume=False, workers=False, verifier=world.mint.verifier())
    assert undeclared_routes(app) == []
    assert public_routes(app) == []  # nothing of ours is public; the factory's are listed
    routes = {f"{m} {p}" for p, ms, _ in api_routes(app) for m in ms if m != "HEAD"}
    routes = {r for r in routes if r.split(" ", 1)[1] not in DEFAULT_PUBLIC_PATHS}
    assert routes == set(ENDPOINTS)
    mounted = {f"{m} {p}" for p, ms, _ in api_routes(world.app) for m in ms if m != "HEAD"}
    assert routes <= mounted  # the matrix app mounts the same routers


def assert_explained(body: dict) -> None:
    """A refusal names the field and why: problem details, the auth layer's too."""
    assert {"field", "code", "message"} <= set(body["errors"][0])


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
async def test_matrix(world: World, endpoint: str) -> None:
    build, expect = ENDPOINTS[endpoint]
    failures = []
    for case in world.cases:
        method, path, body = await build(world, case)
        response = await world.client.request(method, path, json=body, headers=bearer(case.token))
        if response.status_code != expect(case):
            failures.append(f"{case.label}: {response.status_code} != {expect(case)} "
                            f"{response.text[:200]}")  # fmt: skip
        if response.status_code in (403, 404):
            assert_explained(response.json())
    assert not failures, "\n".join(failures)


async def test_401_without_a_valid_token(world: World) -> None:
    case = world.cases[0]
    tokens = world.mint.bad_tokens(case.caller)
    for endpoint, (build, _) in ENDPOINTS.items():
        method, path, body = await build(world, case)
        for label, token in tokens.items():
            response = await world.client.request(method, path, json=body, headers=bearer(token))
            assert response.status_code == 401, (endpoint, label, response.text)


async def test_a_user_never_sees_another_users_messages(world: World) -> None:
    me, other = world.cases[0], world.cases[2]  # same org type, different organisations
    same_org = next(c for c in world.cases if c.caller.organisation_id == me.caller.organisation_id
                    and c.caller.user_id != me.caller.user_id)  # fmt: skip
    response = await world.client.get("/inbox?limit=100", headers=bearer(me.token))
    mine = {m["id"] for m in response.json()["items"]}
    assert me.target_message in mine
    assert same_org.target_message not in mine and other.target_message not in mine
    assert not (await world.client.post(f"/inbox/{same_org.target_message}/read",
                                        headers=bearer(me.token))).is_success  # fmt: skip
