"""A user's own inbox: pages (newest first, keyset cursor), unread count, mark read.

Every query is scoped by the caller's user id; another user's message is "not found".
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from services.notifications.domain.records import Message
from services.notifications.errors import NotificationsError, not_found
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
        raise NotificationsError(
            422, "cursor", "invalid_cursor", "分页游标无效 / invalid page cursor"
        ) from exc


async def page(
    deps: Deps, user_id: str, *, unread_only: bool, limit: int, cursor: str | None
) -> Page:
    after = decode_cursor(cursor) if cursor else None
    items = await deps.repos.messages.page(
        user_id, unread_only=unread_only, limit=limit + 1, after=after
    )
    more = len(items) > limit
    items = items[:limit]
    return Page(
        items=items,
        next_cursor=encode_cursor(items[-1]) if more and items else None,
        unread=await deps.repos.messages.unread_count(user_id),
    )


async def unread_count(deps: Deps, user_id: str) -> int:
    return await deps.repos.messages.unread_count(user_id)


async def mark_read(deps: Deps, user_id: str, message_id: str) -> Message:
    message = await deps.repos.messages.mark_read(user_id, message_id, deps.now())
    if message is None:
        raise not_found("message_id", "消息")
    return message


async def mark_all_read(deps: Deps, user_id: str) -> int:
    return await deps.repos.messages.mark_all_read(user_id, deps.now())
