"""Identity throttles sign-in and sign-up per client address. Every such call reaches it
from the portal, so the portal passes the visitor's address along (``X-Forwarded-For``,
believed by identity's uvicorn only from FORWARDED_ALLOW_IPS): without it, 30 failed
sign-ins by anyone would lock everyone out of the portal for 15 minutes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.portal.backend import Backend
from services.portal.settings import PortalSettings
from tests.unit.portal.conftest import CSRF

pytestmark = pytest.mark.unit


async def test_the_backend_sends_the_visitors_address_with_a_sign_in() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(401, json={"errors": []})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        backend = Backend(PortalSettings(), client)
        await backend.sign_in("a@example.cn", "pw", "zh", "203.0.113.7")
        await backend.sign_in("a@example.cn", "pw", "zh")
    assert seen[0].headers["X-Forwarded-For"] == "203.0.113.7"
    assert "X-Forwarded-For" not in seen[1].headers


def test_the_login_form_passes_the_visitors_address(portal: Any) -> None:
    client, backend, _ = portal
    calls: list[tuple[Any, ...]] = []

    async def sign_in(email: str, password: str, lang: str, client: str | None = None) -> Any:
        calls.append((email, lang, client))
        return httpx.Response(401, json={"errors": []})

    backend.sign_in = sign_in
    client.cookies.delete("dj_access")
    page = client.post("/login", data={"csrf": CSRF, "email": " a@example.cn ", "password": "x"})
    assert page.status_code in (200, 401)
    assert calls == [("a@example.cn", "zh", "testclient")]
