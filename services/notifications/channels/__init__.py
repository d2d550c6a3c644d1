"""Outbound channels: e-mail over SMTP and signed webhooks. Each raises
:class:`DeliveryFailed` with a short, personal-data-free reason when an attempt fails."""

from __future__ import annotations


class DeliveryFailed(Exception):
    """One attempt failed; ``permanent`` when retrying cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent
