"""Notifications' use cases: what handlers, the API and the worker ask for.

Each takes :class:`Deps` (built once in ``main.py``); none sees HTTP or broker objects.
"""

from __future__ import annotations

import asyncio
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


class Doorbell:
    """In-process wake-ups for long-polling inboxes (``GET /inbox?wait=``): storing a
    message rings its user's bell. A user's rings are counted, so a poller that looked
    at its inbox after ``mark()`` cannot miss a ring that came before it started to wait.
    Another replica's messages ring nobody here: waiters also re-read on their own."""

    def __init__(self) -> None:
        self._rings: dict[str, int] = {}
        self._waiting: dict[str, asyncio.Event] = {}

    def mark(self, user_id: str) -> int:
        return self._rings.get(user_id, 0)

    def ring(self, user_id: str) -> None:
        self._rings[user_id] = self._rings.get(user_id, 0) + 1
        waiting = self._waiting.pop(user_id, None)
        if waiting is not None:
            waiting.set()

    async def wait(self, user_id: str, since: int, seconds: float) -> bool:
        """True when the user's bell rang after ``since`` (at once if it already has)."""
        if self._rings.get(user_id, 0) != since:
            return True
        event = self._waiting.setdefault(user_id, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            return False
        return True


@dataclass
class Deps:
    """Repositories, settings, the clock, the two outbound channels, the worker's bell
    and the inbox doorbell."""

    repos: Repositories
    settings: NotificationsSettings
    mailer: Mailer
    webhooks: Webhooks
    clock: Callable[[], dt.datetime] = utc_now
    wake_worker: Callable[[], None] = field(default=lambda: None)
    doorbell: Doorbell = field(default_factory=Doorbell)

    def now(self) -> dt.datetime:
        return self.clock()
