"""Signed webhook POSTs with httpx; every non-2xx answer or transport error fails the try."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from services.notifications.channels import DeliveryFailed
from services.notifications.domain.signing import DELIVERY_HEADER, EVENT_HEADER, signed_headers


class WebhookSender:
    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.clock = clock

    async def send(
        self, url: str, secret: str, body: bytes, *, delivery_id: str, event_type: str
    ) -> None:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "duijie-notifications/1",
            DELIVERY_HEADER: delivery_id,
            EVENT_HEADER: event_type,
            **signed_headers(secret, int(self.clock()), body),
        }
        try:
            response = await self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"http: {type(exc).__name__}") from exc
        if not 200 <= response.status_code < 300:
            permanent = response.status_code == 410  # Gone: the receiver says stop
            raise DeliveryFailed(f"http {response.status_code}", permanent=permanent)
