"""Run the roadshows service: ``python -m services.roadshows`` (DUIJIE_ROADSHOWS_PORT)."""

from __future__ import annotations

from services.roadshows.settings import get_roadshows_settings
from shared.web import serve


def main() -> None:
    settings = get_roadshows_settings()
    serve("roadshows", settings.host, settings.port)


if __name__ == "__main__":
    main()
