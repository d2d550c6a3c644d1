"""Run the identity service: ``python -m services.identity`` (port DUIJIE_IDENTITY_PORT)."""

from __future__ import annotations

from services.identity.settings import get_identity_settings
from shared.web import serve


def main() -> None:
    settings = get_identity_settings()
    serve("identity", settings.host, settings.port)


if __name__ == "__main__":
    main()
