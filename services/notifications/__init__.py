"""Notifications: turns events into messages (in-app inbox, e-mail, signed webhooks)."""
