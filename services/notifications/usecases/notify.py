"""From an event to inbox messages and delivery jobs, idempotently.

Every write is keyed by a deterministic id, so a redelivered event (or one whose first
handling died half-way) fills in whatever is missing and duplicates nothing.

The hot path (a suggestion per pair at hundreds a second) avoids per-event round trips:
the inbox inserts of concurrently handled events share one ``insert_many``
(``shared.coalescing``), and an organisation's members are read once and kept
(:class:`RecipientCache`) instead of a collection scan per event.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import Iterator
from typing import Any
from weakref import WeakKeyDictionary

from services.notifications.domain import ids
from services.notifications.domain.groups import group_keys
from services.notifications.domain.preferences import next_digest_at, route
from services.notifications.domain.records import (
    DeliveryJob,
    JobKind,
    JobStatus,
    Message,
    Recipient,
)
from services.notifications.domain.rules import (
    Audience,
    IncomingEvent,
    Notice,
    notice_for,
    with_members,
)
from services.notifications.domain.texts import language_of, link, render
from services.notifications.usecases import Deps
from shared.coalescing import Coalescer

log = logging.getLogger(__name__)
MEMBERS_TTL = 30.0  # seconds another replica's user change can go unseen here
INSERT_BATCH = 100


class RecipientCache:
    """An organisation's members, read once and kept ``ttl`` seconds.

    Identity's ``identity.user.*`` events change who the members are: their handler
    wraps its write in :meth:`changing`, which drops the cache and makes every read
    while it runs go to the database, and no read that overlapped it is kept (the
    generation moved on). The event is consumed by one replica only (one consumer group),
    so the other replicas' copies age out after ``ttl``: a new colleague may miss a
    notice there for that long (the late-joiner replay covers notices before they
    joined; a disabled user may hear one more)."""

    def __init__(self, ttl: float = MEMBERS_TTL) -> None:
        self.ttl = ttl
        self._members: dict[str, tuple[float, list[Recipient]]] = {}
        self._generation = 0
        self._changing = 0

    async def members(self, repo: Any, organisation_id: str) -> list[Recipient]:
        now = time.monotonic()
        kept = self._members.get(organisation_id)
        if kept is not None and now - kept[0] < self.ttl and not self._changing:
            return kept[1]
        generation = self._generation
        members = await repo.in_organisation(organisation_id)
        if generation == self._generation and not self._changing:
            self._members[organisation_id] = (now, members)
        return members

    @contextlib.contextmanager
    def changing(self) -> Iterator[None]:
        self._changing += 1
        self._generation += 1
        self._members.clear()
        try:
            yield
        finally:
            self._generation += 1
            self._changing -= 1
            self._members.clear()


_caches: WeakKeyDictionary[Any, RecipientCache] = WeakKeyDictionary()
_inserts: WeakKeyDictionary[Any, Coalescer[Message, bool]] = WeakKeyDictionary()


def recipient_cache(deps: Deps) -> RecipientCache:
    """The cache of this process's recipient repository."""
    repo = deps.repos.recipients
    if repo not in _caches:
        _caches[repo] = RecipientCache()
    return _caches[repo]


async def _insert(deps: Deps, message: Message) -> bool:
    """Store a message; concurrent handlers' messages share one ``insert_many``."""
    repo = deps.repos.messages
    if repo not in _inserts:
        _inserts[repo] = Coalescer(repo.add_many, max_items=INSERT_BATCH)
    return await _inserts[repo].submit(message)


async def _chosen(deps: Deps, audience: Audience) -> list[Recipient]:
    """The members an audience names. One named user is read by ``_id`` (never stale);
    a whole organisation (or its roles) comes from the cached member list."""
    if audience.user_id:
        known = await deps.repos.recipients.get(audience.user_id)
        if known is None:  # not learned yet: tell them anyway, in the default language
            return [Recipient(user_id=audience.user_id, organisation_id=audience.organisation_id)]
        member = known.organisation_id == audience.organisation_id and not known.disabled
        return [known] if member and audience.includes(known.user_id, known.role) else []
    members = await recipient_cache(deps).members(deps.repos.recipients, audience.organisation_id)
    return [m for m in members if audience.includes(m.user_id, m.role)]


async def recipients_of(deps: Deps, notice: Notice) -> list[Recipient]:
    found: dict[str, Recipient] = {}
    for audience in notice.audiences:
        chosen = await _chosen(deps, audience)
        if not chosen:
            log.info(
                "%s %s: nobody known in %s",
                notice.event.type,
                notice.event.id,
                audience.organisation_id,
            )
        for member in chosen:
            found.setdefault(member.user_id, member)
    return list(found.values())


def webhook_body(deps: Deps, notice: Notice, organisation_id: str) -> str:
    """What an organisation's endpoint receives: ids, category, link and both texts."""
    texts = {lang: render(notice.template, notice.params, lang) for lang in ("zh", "en")}
    payload = {
        "event_id": notice.event.id,
        "event_type": notice.event.type,
        "category": notice.category.value,
        "organisation_id": organisation_id,
        "occurred_at": notice.event.time.isoformat(),
        "subject": {"kind": notice.subject_kind, "id": notice.subject_id},
        "link": link(deps.settings.portal_url, notice.subject_kind, notice.subject_id),
        "texts": {lang: {"title": t.title, "body": t.body} for lang, t in texts.items()},
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


async def _message(deps: Deps, notice: Notice, recipient: Recipient, unread: bool) -> Message:
    now = deps.now()
    lang = language_of(recipient.language)
    text = render(notice.template, notice.params, lang)
    message = Message(
        id=ids.message_id(notice.event.id, recipient.user_id),
        user_id=recipient.user_id,
        organisation_id=recipient.organisation_id,
        event_id=notice.event.id,
        event_type=notice.event.type,
        category=notice.category,
        title=text.title,
        body=text.body,
        link=link(deps.settings.portal_url, notice.subject_kind, notice.subject_id),
        subject_kind=notice.subject_kind,
        subject_id=notice.subject_id,
        regarding_kind=notice.regarding_kind,
        regarding_id=notice.regarding_id,
        language=lang,
        created_at=now,
        read_at=None if unread else now,
    )
    if await _insert(deps, message):
        deps.doorbell.ring(recipient.user_id)
        return message
    stored = await deps.repos.messages.get(message.id)
    return stored or message


async def _email_jobs(deps: Deps, message: Message, digest: bool) -> None:
    now = deps.now()
    digest_at = next_digest_at(message.created_at, deps.settings.digest_hour) if digest else None
    job = DeliveryJob(
        id=ids.email_job_id(message.id),
        kind=JobKind.email,
        status=JobStatus.held if digest else JobStatus.pending,
        organisation_id=message.organisation_id,
        user_id=message.user_id,
        message_ids=[message.id],
        event_id=message.event_id,
        event_type=message.event_type,
        digest_at=digest_at,
        next_attempt_at=digest_at or now,
        created_at=now,
        updated_at=now,
    )
    await deps.repos.jobs.add(job)
    if digest_at is not None:
        await deps.repos.jobs.ensure_digest(
            job.model_copy(
                update={
                    "id": ids.digest_job_id(message.user_id, digest_at),
                    "kind": JobKind.email_digest,
                    "status": JobStatus.pending,
                    "message_ids": [],
                    "event_id": None,
                    "event_type": None,
                }
            )
        )


async def _webhook_jobs(deps: Deps, notice: Notice, organisation_id: str) -> None:
    endpoints = await deps.repos.webhooks.of_organisation(organisation_id, active_only=True)
    now = deps.now()
    body = webhook_body(deps, notice, organisation_id)
    for endpoint in endpoints:
        await deps.repos.jobs.add(
            DeliveryJob(
                id=ids.webhook_job_id(notice.event.id, endpoint.id),
                kind=JobKind.webhook,
                organisation_id=organisation_id,
                endpoint_id=endpoint.id,
                event_id=notice.event.id,
                event_type=notice.event.type,
                body=body,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        )


async def notify(deps: Deps, event: IncomingEvent) -> int:
    """Tell whoever the rules name; returns how many recipients the event has."""
    notice = notice_for(event)
    if notice is None:
        return 0
    if notice.groups:  # operators, a district's government: from the directory
        notice = with_members(notice, await deps.repos.organisations.members(notice.groups))
    await deps.repos.recent.keep(
        event,  # also under its group keys, for a group's organisation learned later
        sorted({a.organisation_id for a in notice.audiences}) + group_keys(notice.groups),
        deps.now() + dt.timedelta(hours=deps.settings.late_joiner_hours),
    )
    recipients = await recipients_of(deps, notice)
    prefs = await deps.repos.preferences.many([r.user_id for r in recipients])
    webhook_orgs: set[str] = set()
    queued = False
    for recipient in recipients:
        routing = route(prefs[recipient.user_id], notice.category)
        message = await _message(deps, notice, recipient, routing.unread)
        if routing.email:
            await _email_jobs(deps, message, routing.digest)
            queued = True
        if routing.webhook:
            webhook_orgs.add(recipient.organisation_id)
    for organisation_id in sorted(webhook_orgs):
        await _webhook_jobs(deps, notice, organisation_id)
        queued = True
    if queued:
        deps.wake_worker()
    return len(recipients)
