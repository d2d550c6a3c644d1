"""The signed-in user's own inbox. Nobody can name another user's inbox: every route
reads the user from the token, and another user's message id answers 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.notifications.api import DepsDep, operation_id
from services.notifications.domain.preferences import Category
from services.notifications.domain.records import Message
from services.notifications.usecases import inbox
from shared.auth import CurrentCaller

router = APIRouter(tags=["inbox"], generate_unique_id_function=operation_id)


class MessagePublic(BaseModel):
    id: str
    category: Category
    event_type: str
    title: str
    body: str
    link: str = Field(description="the record the message is about, in the portal")
    subject_kind: str
    subject_id: str
    regarding_kind: str | None = Field(
        None, description="your own record the message concerns, e.g. the need a suggestion is for"
    )
    regarding_id: str | None = None
    language: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    unread: bool

    @classmethod
    def of(cls, message: Message) -> MessagePublic:
        return cls(**message.model_dump(exclude={"user_id", "organisation_id", "event_id"}),
                   unread=message.unread)  # fmt: skip


class InboxPage(BaseModel):
    items: list[MessagePublic]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page")
    unread: int = Field(description="unread messages in the whole inbox")


class UnreadCount(BaseModel):
    unread: int


class Marked(BaseModel):
    marked: int


@router.get("/inbox", summary="List my messages")
async def list_messages(
    caller: CurrentCaller,
    deps: DepsDep,
    unread: Annotated[bool, Query(description="only unread messages")] = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    wait: Annotated[
        float,
        Query(
            ge=0,
            le=30,
            description="long polling: seconds to wait for a new message when the first "
            "page is empty (it returns as soon as one is stored)",
        ),
    ] = 0,
) -> InboxPage:
    """Any signed-in user, their own inbox only; newest first."""
    page = await inbox.page(
        deps, caller.user_id, unread_only=unread, limit=limit, cursor=cursor, wait=wait
    )
    return InboxPage(
        items=[MessagePublic.of(m) for m in page.items],
        next_cursor=page.next_cursor,
        unread=page.unread,
    )


@router.get("/inbox/unread-count", summary="How many unread")
async def unread_count(caller: CurrentCaller, deps: DepsDep) -> UnreadCount:
    """Any signed-in user, their own inbox only."""
    return UnreadCount(unread=await inbox.unread_count(deps, caller.user_id))


@router.post("/inbox/read-all", summary="Mark all my messages read")
async def mark_all_read(caller: CurrentCaller, deps: DepsDep) -> Marked:
    """Any signed-in user, their own inbox only."""
    return Marked(marked=await inbox.mark_all_read(deps, caller.user_id))


@router.post("/inbox/{message_id}/read", summary="Mark one message read")
async def mark_read(message_id: str, caller: CurrentCaller, deps: DepsDep) -> MessagePublic:
    """Any signed-in user, for a message in their own inbox (else 404)."""
    return MessagePublic.of(await inbox.mark_read(deps, caller.user_id, message_id))
