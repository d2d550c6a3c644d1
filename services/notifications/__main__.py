"""Run the notifications service: ``python -m services.notifications`` (port 8004)."""

from __future__ import annotations

from services.notifications.settings import get_notifications_settings
from shared.web import serve


def main() -> None:
    settings = get_notifications_settings()
    serve("notifications", settings.host, settings.port)


if __name__ == "__main__":
    main()
