"""Learning organisations from identity events (type, kind, district), so notices that
name a group (the operators, a district's government) reach its organisations.

Topics are not ordered against each other: an alert for Haidian can arrive before
identity's event saying which organisation is Haidian's government, and that before its
users. Notices are kept (``recent_notices``) under their group keys too, so:
- an organisation learned (or moved into a group) hears its groups' recent notices;
- a user learned later hears those of their organisation's groups (``recent_for``).
``notify`` is idempotent per (event, user), so nobody hears a notice twice.
"""

from __future__ import annotations

import logging

from services.notifications.domain.groups import DirectoryEntry
from services.notifications.domain.rules import IncomingEvent
from services.notifications.usecases import Deps
from services.notifications.usecases.notify import notify

log = logging.getLogger(__name__)


async def learn_organisation(deps: Deps, entry: DirectoryEntry) -> bool:
    outcome, before = await deps.repos.organisations.learn(entry)
    if outcome is None:
        log.debug("organisation %s v%d already known", entry.organisation_id, entry.version)
        return False
    joined = set(entry.groups()) - set(before.groups() if before else [])
    now = deps.now()
    for group in sorted(joined, key=lambda g: g.key):
        for event in await deps.repos.recent.for_organisation(group.key, now):
            await notify(deps, event)
    return True


async def recent_for(deps: Deps, organisation_id: str) -> list[IncomingEvent]:
    """Recent notices kept for the organisation itself or for a group it belongs to."""
    now = deps.now()
    found = {e.id: e for e in await deps.repos.recent.for_organisation(organisation_id, now)}
    entry = await deps.repos.organisations.get(organisation_id)
    for group in entry.groups() if entry else []:
        for event in await deps.repos.recent.for_organisation(group.key, now):
            found.setdefault(event.id, event)
    return sorted(found.values(), key=lambda e: e.time)
