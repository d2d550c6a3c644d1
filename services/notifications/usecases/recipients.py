"""Learning users from identity events (name, organisation, role, language; no e-mail)."""

from __future__ import annotations

import logging

from services.notifications.domain.records import Recipient
from services.notifications.usecases import Deps

log = logging.getLogger(__name__)


async def learn_user(deps: Deps, recipient: Recipient) -> bool:
    """Store what identity says about a user; older versions never overwrite newer ones."""
    applied = await deps.repos.recipients.upsert(recipient)
    if not applied:
        log.debug("user %s v%d already known", recipient.user_id, recipient.version)
    return applied
