"""Notifications' rules, without I/O: categories and preferences, who hears which event,
the texts in Chinese and English, identifiers, webhook signing and retry backoff."""
