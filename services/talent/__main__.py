"""Run the talent service: ``python -m services.talent`` (DUIJIE_TALENT_PORT)."""

from __future__ import annotations

from services.talent.settings import get_talent_settings
from shared.web import serve


def main() -> None:
    settings = get_talent_settings()
    serve("talent", settings.host, settings.port)


if __name__ == "__main__":
    main()
