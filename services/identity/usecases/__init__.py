"""Identity's use cases: what the API and the CLI ask for, over the domain and storage.

Each use case takes :class:`Deps` (built once in ``main.py``) and the verified caller where
authorisation depends on the data; it never sees HTTP or driver objects beyond storage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from services.identity.mail import Mailer
from services.identity.settings import IdentitySettings
from services.identity.storage import Repositories
from shared.clock import new_id, utc_now  # noqa: F401 - re-exported for the use cases

BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")


@dataclass
class Deps:
    """What every use case needs: repositories, settings and the clock (and the mailer,
    for the sign-up e-mail check; the CLI has none)."""

    repos: Repositories
    settings: IdentitySettings
    clock: Callable[[], dt.datetime] = utc_now
    mailer: Mailer | None = None

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        """Policy dates are Beijing dates (a company turns two at midnight in Beijing)."""
        return self.clock().astimezone(BEIJING).date()
