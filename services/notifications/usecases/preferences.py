"""A user's own notification preferences."""

from __future__ import annotations

from services.notifications.domain.preferences import Preferences
from services.notifications.usecases import Deps


async def get(deps: Deps, user_id: str) -> Preferences:
    return await deps.repos.preferences.get(user_id)


async def put(deps: Deps, user_id: str, prefs: Preferences) -> Preferences:
    await deps.repos.preferences.put(user_id, prefs)
    return prefs
