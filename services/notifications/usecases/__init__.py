"""Notifications' use cases: what handlers, the API and the worker ask for.

Each takes :class:`Deps` (built once in ``main.py``); none sees HTTP or broker objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from services.notifications.channels.email import Mail
from services.notifications.settings import NotificationsSettings
from services.notifications.storage import Repositories
from shared.clock import new_id, utc_now  # noqa: F401 - re-exported for the use cases


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


class Webhooks(Protocol):
    async def send(
        self, url: str, secret: str, body: bytes, *, delivery_id: str, event_type: str
    ) -> None: ...


@dataclass
class Deps:
    """Repositories, settings, the clock, the two outbound channels and the worker's bell."""

    repos: Repositories
    settings: NotificationsSettings
    mailer: Mailer
    webhooks: Webhooks
    clock: Callable[[], dt.datetime] = utc_now
    wake_worker: Callable[[], None] = field(default=lambda: None)

    def now(self) -> dt.datetime:
        return self.clock()
