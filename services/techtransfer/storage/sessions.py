"""Brokerage sessions, registrations and meeting requests: three collections.

A session document carries its version and the last schedule; a registration's id is
``<session>:<organisation>`` so registering twice is a second create of one id (one wins);
"one live (requested or accepted) request per pair in a session" is a unique-key claim
(``meeting:<session>|<a>|<b>``, the pair sorted).
"""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, Field

from services.techtransfer.domain.sessions import (
    BrokerageSession,
    MeetingRequest,
    MeetingState,
    Registration,
)
from services.techtransfer.storage.base import Aggregates
from shared.scheduling import ScheduleResult


class StoredSession(BrokerageSession):
    """A session with what the service keeps about it beyond the domain model."""

    version: int = 1
    created_at: AwareDatetime | None = None
    schedule: ScheduleResult | None = Field(None, description="the last scheduler run")
    scheduled_at: AwareDatetime | None = None


class StoredRegistration(Registration):
    id: str
    display_name: str = Field("", description="how the participant appears on agendas")
    version: int = 1


def registration_id(session_id: str, org_id: str) -> str:
    return f"{session_id}:{org_id}"


LIVE = (MeetingState.requested, MeetingState.accepted)


def meeting_live_key(req: MeetingRequest) -> str:
    if req.state in LIVE:
        a, b = sorted(req.sides())
        return f"{req.session_id}|{a}|{b}"
    return req.id


class MongoSessionRepository(Aggregates[StoredSession]):
    collection_name = "sessions"
    kind = "session"
    model = StoredSession
    extra_keys = ("deadline", "first_slot")

    def index_fields(self, entity: StoredSession) -> dict[str, Any]:
        return {"deadline": entity.registration_deadline}

    async def ensure_indexes(self) -> None:
        await self._col.create_index([("deadline", 1), ("scheduled_at", 1)])
        await self._col.create_index("day")


class MongoRegistrationRepository(Aggregates[StoredRegistration]):
    collection_name = "registrations"
    kind = "registration"
    model = StoredRegistration

    async def ensure_indexes(self) -> None:
        await self._col.create_index("session_id")
        await self._col.create_index("participant.org_id")


class MongoMeetingRepository(Aggregates[MeetingRequest]):
    collection_name = "meetings"
    kind = "meeting"
    model = MeetingRequest
    extra_keys = ("live_key", "deadline")

    def index_fields(self, entity: MeetingRequest) -> dict[str, Any]:
        return {"live_key": meeting_live_key(entity)}

    def unique_key(self, entity: MeetingRequest) -> str | None:
        a, b = sorted(entity.sides())
        return f"meeting:{entity.session_id}|{a}|{b}"

    def is_live(self, entity: MeetingRequest) -> bool:
        return entity.state in LIVE

    async def ensure_indexes(self) -> None:
        await self.drop_legacy_unique("live_key_1")
        await self._col.create_index("live_key")
        await self._col.create_index([("session_id", 1), ("state", 1)])
        await self._col.create_index([("state", 1), ("deadline", 1)])
