"""The stored shapes: recipients learned from identity, inbox messages, webhook
endpoints and delivery jobs (the e-mail/webhook work queue with its retry state)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field

from services.notifications.domain.preferences import Category


class Recipient(BaseModel):
    """A user as notifications knows them (from ``identity.user.*`` events; no e-mail)."""

    user_id: str
    organisation_id: str
    name: str = ""
    role: str = "member"
    language: str = "zh-CN"
    disabled: bool = False
    version: int = 0


class Message(BaseModel):
    """One inbox entry: one event told to one user, in that user's language."""

    id: str
    user_id: str
    organisation_id: str
    event_id: str
    event_type: str
    category: Category
    title: str
    body: str
    link: str
    subject_kind: str
    subject_id: str
    language: str
    created_at: dt.datetime
    read_at: dt.datetime | None = None
    regarding_kind: str | None = None
    regarding_id: str | None = None

    @property
    def unread(self) -> bool:
        return self.read_at is None


class JobKind(StrEnum):
    email = "email"
    email_digest = "email_digest"
    webhook = "webhook"


class JobStatus(StrEnum):
    held = "held"  # an e-mail waiting for its daily digest
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"  # gave up after the last attempt; retryable by the org admin
    cancelled = "cancelled"  # nothing left to send to (endpoint removed, no address)


class DeliveryJob(BaseModel):
    """Work for the delivery worker; its id is derived from what it delivers."""

    id: str
    kind: JobKind
    status: JobStatus = JobStatus.pending
    organisation_id: str
    user_id: str | None = None
    message_ids: list[str] = Field(default_factory=list)
    endpoint_id: str | None = None
    event_id: str | None = None
    event_type: str | None = None
    body: str | None = Field(None, description="webhook: the exact JSON body, fixed at creation")
    digest_at: dt.datetime | None = None
    attempts: int = 0
    next_attempt_at: dt.datetime
    lease_until: dt.datetime | None = None
    last_error: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    sent_at: dt.datetime | None = None


class WebhookEndpoint(BaseModel):
    """An organisation's receiver; the secret signs deliveries and is shown once."""

    id: str
    organisation_id: str
    url: str
    secret: str = Field(repr=False)
    description: str = ""
    active: bool = True
    created_at: dt.datetime
    created_by: str
