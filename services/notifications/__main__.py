"""Run the notifications service: ``python -m services.notifications`` (port 8004)."""

from __future__ import annotations

import uvicorn

from services.notifications.settings import get_notifications_settings


def main() -> None:
    settings = get_notifications_settings()
    uvicorn.run(
        "services.notifications.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        access_log=False,
    )


if __name__ == "__main__":
    main()
