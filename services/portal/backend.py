"""The portal is a backend-for-frontend: it calls the services' HTTP APIs with the
signed-in person's token and owns no market data. This is its one HTTP client."""

from __future__ import annotations

from typing import Any

import httpx

from services.portal.session import SignInRequired
from services.portal.settings import PortalSettings


class ServiceUnavailable(Exception):
    def __init__(self, service: str) -> None:
        super().__init__(service)
        self.service = service


class Backend:
    def __init__(self, settings: PortalSettings, client: httpx.AsyncClient) -> None:
        self.settings = settings
        self.client = client

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        token: str | None,
        lang: str = "zh",
        json: Any = None,
        content: bytes | None = None,
        params: Any = None,
        seconds: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """One call; a 401 means the session is gone (sign in again). ``content``: a raw
        body instead of JSON (a CV upload); ``headers``: extra ones (its Content-Type, the
        visitor's address for a throttled public call)."""
        headers = {**(headers or {}), "Accept-Language": "en" if lang == "en" else "zh-CN"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self.client.request(
                method, self.settings.url(service) + path, json=json, content=content,
                params=params, headers=headers, timeout=seconds or self.settings.timeout_s,
            )  # fmt: skip
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(service) from exc
        if response.status_code == 401 and token:
            raise SignInRequired(expired=True)
        if response.status_code >= 500:
            raise ServiceUnavailable(service)
        return response

    async def get_json(self, service: str, path: str, **kw: Any) -> Any:
        """The JSON of a GET that should succeed; None when the record is not there or
        not the caller's to see (404/403)."""
        response = await self.call(service, "GET", path, **kw)
        if response.status_code in (403, 404):
            return None
        response.raise_for_status()
        return response.json()

    async def sign_in(
        self, email: str, password: str, lang: str, client: str | None = None
    ) -> httpx.Response:
        """``client``: the visitor's address, for identity's per-address throttle (without
        it every visitor's failures would count against the portal's one address)."""
        return await self.call(
            "identity", "POST", "/auth/token", token=None, lang=lang,
            json={"email": email, "password": password},
            headers={"X-Forwarded-For": client} if client else None,
        )  # fmt: skip

    async def refresh(self, refresh_token: str) -> dict[str, Any] | None:
        try:
            response = await self.call(
                "identity", "POST", "/auth/refresh", token=None,
                json={"refresh_token": refresh_token},
            )  # fmt: skip
        except ServiceUnavailable:
            return None
        return response.json() if response.status_code == 200 else None
