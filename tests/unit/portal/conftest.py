"""The portal's pages against a fake backend (canned service answers) and a fake token
verifier: what each form sends to the service and where the service's refusals land on
the page, without any service running."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from shared.auth import Caller, OrgType, Role

CSRF = "csrf-token-for-tests"
Answer = tuple[int, Any] | Callable[[Any], tuple[int, Any]]


class FakeBackend:
    """Answers ``(service, method, path)`` from ``routes``; records what was sent."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str, str], Answer] = {}
        self.sent: list[tuple[str, str, str, Any]] = []

    def on(self, service: str, method: str, path: str, answer: Answer) -> None:
        self.routes[(service, method, path)] = answer

    async def call(self, service: str, method: str, path: str, **kw: Any) -> httpx.Response:
        self.sent.append((service, method, path, kw.get("json")))
        answer = self.routes.get((service, method, path), (404, {"detail": "not found"}))
        status, body = answer(kw.get("json")) if callable(answer) else answer
        return httpx.Response(status, json=body)

    async def get_json(self, service: str, path: str, **kw: Any) -> Any:
        response = await self.call(service, "GET", path, **kw)
        return None if response.status_code in (403, 404) else response.json()

    def posted(self, path: str) -> list[Any]:
        return [body for _, method, p, body in self.sent if p == path and method != "GET"]


class FakeVerifier:
    def __init__(self) -> None:
        self.caller = as_org(OrgType.government)

    async def verify(self, token: str) -> Caller:
        from shared.auth import InvalidToken

        if token != "good":
            raise InvalidToken("bad token")
        return self.caller


def as_org(org_type: OrgType, org: str = "org-me", user: str = "user-me") -> Caller:
    return Caller(user_id=user, organisation_id=org, org_type=org_type, role=Role.admin)


def problem(status: int, *errors: tuple[str, str]) -> tuple[int, Any]:
    return status, {"status": status, "errors": [
        {"field": f, "code": "x", "message": m} for f, m in errors]}  # fmt: skip


@pytest.fixture
def portal() -> Iterator[tuple[TestClient, FakeBackend, FakeVerifier]]:
    from services.portal.main import create_app

    verifier = FakeVerifier()
    app = create_app(verifier=verifier)  # type: ignore[arg-type]
    with TestClient(app, follow_redirects=False) as client:
        backend = FakeBackend()
        app.state.backend = backend
        client.cookies.set("dj_access", "good")
        client.cookies.set("dj_csrf", CSRF)
        yield client, backend, verifier
