"""Every router of the service, in the order the OpenAPI document lists them."""

from __future__ import annotations

from services.notifications.api import inbox, preferences, webhooks

ROUTERS = [inbox.router, preferences.router, webhooks.router]
