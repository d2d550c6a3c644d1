"""Setting up what a browser journey starts from, through the services' own APIs as the
demo organisations (the journey under test then runs in the browser). Tokens are asked
once per organisation and kept for the test session (they live 15 minutes)."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

import httpx

from tests.e2e.portal.conftest import Portal

_TOKENS: dict[tuple[str, str], tuple[float, str]] = {}
TOKEN_S = 600  # re-ask well inside the 15-minute lifetime


def token(portal: Portal, key: str) -> str:
    hit = _TOKENS.get((portal.url, key))
    if hit is None or time.monotonic() - hit[0] > TOKEN_S:
        hit = (time.monotonic(), portal.token(key))
        _TOKENS[(portal.url, key)] = hit
    return hit[1]


def api(portal: Portal, key: str, service: str, method: str, path: str, body: Any = None) -> Any:
    """``method path`` on ``service`` as demo organisation ``key``; any 2xx answer's JSON."""
    answer = httpx.request(method, f"{portal.services[service]}{path}", json=body, timeout=60,
                           headers={"Authorization": f"Bearer {token(portal, key)}"})  # fmt: skip
    assert 200 <= answer.status_code < 300, f"{method} {path}: {answer.status_code} {answer.text}"
    return answer.json() if answer.content else None


def mark() -> str:
    """A short run mark, so a journey finds its own rows in lists other tests share."""
    return uuid.uuid4().hex[:4].upper()


def unique(text: str) -> str:
    """``text`` with a run mark."""
    return f"{text} {mark()}"


def next_month_at(day: int, hour: int) -> dt.datetime:
    """``day`` of next month at ``hour`` o'clock Beijing time (a month's calendar entry)."""
    beijing = dt.timezone(dt.timedelta(hours=8))
    now = dt.datetime.now(beijing)
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return dt.datetime(year, month, day, hour, tzinfo=beijing)
