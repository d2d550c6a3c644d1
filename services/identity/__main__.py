"""Run the identity service: ``python -m services.identity`` (port DUIJIE_IDENTITY_PORT)."""

from __future__ import annotations

import uvicorn

from services.identity.settings import get_identity_settings


def main() -> None:
    settings = get_identity_settings()
    uvicorn.run(
        "services.identity.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        access_log=False,
    )


if __name__ == "__main__":
    main()
