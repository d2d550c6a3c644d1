"""A user's own inbox: pages (newest first, keyset cursor), unread count, mark read.

Every query is scoped by the caller's user id; another user's message is "not found".
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from dataclasses import dataclass

from services.notifications.domain.records import Message
from services.notifications.errors import invalid, not_found
from services.notifications.usecases import Deps


@dataclass(frozen=True)
class Page:
    items: list[Message]
    next_cursor: str | None
    unread: int


def encode_cursor(message: Message) -> str:
    raw = f"{message.created_at.astimezone(dt.UTC).isoformat()}|{message.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, message_id = raw.split("|", 1)
        return dt.datetime.fromisoformat(at), message_id
    except ValueError as exc:
        raise invalid("cursor", "invalid_cursor", "分页游标无效", "invalid page cursor") from exc


#: how often a long poll re-reads the inbox, for messages another replica stored
RECHECK_SECONDS = 2.0


async def page(
    deps: Deps,
    user_id: str,
    *,
    unread_only: bool,
    limit: int,
    cursor: str | None,
    wait: float = 0.0,
) -> Page:
    """A page of the inbox. With ``wait`` (long polling) and nothing to show on a first
    page, it returns as soon as a message for the user is stored, or empty after
    ``wait`` seconds: a client sees a message at once without asking many times a second."""
    deadline = time.monotonic() + wait
    while True:
        rung = deps.doorbell.mark(user_id)
        found = await _page(deps, user_id, unread_only=unread_only, limit=limit, cursor=cursor)
        left = deadline - time.monotonic()
        if found.items or cursor or left <= 0:
            return found
        await deps.doorbell.wait(user_id, rung, min(left, RECHECK_SECONDS))


async def _page(
    deps: Deps, user_id: str, *, unread_only: bool, limit: int, cursor: str | None
) -> Page:
    after = decode_cursor(cursor) if cursor else None
    # one read of the user's inbox list answers both the page and the unread count
    items, unread = await deps.repos.messages.page(
        user_id, unread_only=unread_only, limit=limit + 1, after=after
    )
    more = len(items) > limit
    items = items[:limit]
    return Page(
        items=items,
        next_cursor=encode_cursor(items[-1]) if more and items else None,
        unread=unread,
    )


async def unread_count(deps: Deps, user_id: str) -> int:
    return await deps.repos.messages.unread_count(user_id)


async def mark_read(deps: Deps, user_id: str, message_id: str) -> Message:
    message = await deps.repos.messages.mark_read(user_id, message_id, deps.now())
    if message is None:
        raise not_found("message_id", "消息", "message")
    return message


async def mark_all_read(deps: Deps, user_id: str) -> int:
    return await deps.repos.messages.mark_all_read(user_id, deps.now())
