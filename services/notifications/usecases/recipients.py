"""Learning users from identity events (name, organisation, role, language; no e-mail)."""

from __future__ import annotations

import logging

from services.notifications.domain.records import Recipient
from services.notifications.usecases import Deps
from services.notifications.usecases.notify import notify, recipient_cache
from services.notifications.usecases.organisations import recent_for

log = logging.getLogger(__name__)


async def learn_user(deps: Deps, recipient: Recipient) -> bool:
    """Store what identity says about a user; older versions never overwrite newer ones.

    A user seen for the first time also hears the organisation's recent notices (those
    that arrived before them): notify is idempotent, so colleagues are not told twice.
    """
    with recipient_cache(deps).changing():  # who is in an organisation may change
        outcome = await deps.repos.recipients.upsert(recipient)
    if outcome is None:
        log.debug("user %s v%d already known", recipient.user_id, recipient.version)
        return False
    if outcome == "new" and not recipient.disabled:
        for event in await recent_for(deps, recipient.organisation_id):  # and its groups'
            await notify(deps, event)
    return True
