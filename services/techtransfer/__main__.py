"""Run the techtransfer service: ``python -m services.techtransfer`` (DUIJIE_TECHTRANSFER_PORT)."""

from __future__ import annotations

import uvicorn

from services.techtransfer.settings import get_techtransfer_settings


def main() -> None:
    settings = get_techtransfer_settings()
    uvicorn.run(
        "services.techtransfer.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        access_log=False,
    )


if __name__ == "__main__":
    main()
