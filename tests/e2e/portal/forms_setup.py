"""What the form journeys start from, set up through the services' own APIs as the demo
organisations (the forms under test then run in the browser), and small page helpers."""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
from typing import Any

import httpx

from tests.e2e.portal.conftest import Portal

BEIJING = dt.timezone(dt.timedelta(hours=8))


class Api:
    """Calls as demo organisations, one sign-in per organisation for the test."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.tokens: dict[str, str] = {}

    def token(self, key: str) -> str:
        if key not in self.tokens:
            self.tokens[key] = self.portal.token(key)
        return self.tokens[key]

    def user_id(self, key: str) -> str:
        """The demo organisation's admin's user id (the access token's subject)."""
        payload = self.token(key).split(".")[1]
        return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])

    def __call__(self, key: str, service: str, method: str, path: str, body: Any = None) -> Any:
        answer = httpx.request(method, f"{self.portal.services[service]}{path}", json=body,
                               headers={"Authorization": f"Bearer {self.token(key)}"},
                               timeout=60)  # fmt: skip
        assert 200 <= answer.status_code < 300, f"{method} {path}: {answer.text}"
        return answer.json() if answer.content else None

    def org_name(self, org_id: str) -> str:
        return str(
            self("operator", "identity", "GET", f"/organisations/{org_id}")["profile"]["name"]
        )


def mark() -> str:
    """A short run mark, so a journey finds its own rows in lists other tests share."""
    return f"{random.randrange(16**4):04X}"


def beijing_local(moment: dt.datetime) -> str:
    """``moment`` as a ``datetime-local`` value with seconds, in Beijing time."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M:%S")
