"""What the form journeys start from, set up through the services' own APIs as the demo
organisations (the forms under test then run in the browser), and small page helpers."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from tests.e2e.portal.conftest import Portal
from tests.e2e.portal.setup_api import api, mark, token

BEIJING = dt.timezone(dt.timedelta(hours=8))
__all__ = ["BEIJING", "Api", "beijing_local", "mark"]


class Api:
    """Calls as demo organisations (``setup_api``: one sign-in per organisation, kept)."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def user_id(self, key: str) -> str:
        """The demo organisation's admin's user id (the access token's subject)."""
        payload = token(self.portal, key).split(".")[1]
        return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])

    def __call__(self, key: str, service: str, method: str, path: str, body: Any = None) -> Any:
        return api(self.portal, key, service, method, path, body)

    def org_name(self, org_id: str) -> str:
        return str(
            self("operator", "identity", "GET", f"/organisations/{org_id}")["profile"]["name"]
        )


def beijing_local(moment: dt.datetime) -> str:
    """``moment`` as a ``datetime-local`` value with seconds, in Beijing time."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M:%S")
