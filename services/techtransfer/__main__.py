"""Run the techtransfer service: ``python -m services.techtransfer`` (DUIJIE_TECHTRANSFER_PORT)."""

from __future__ import annotations

from services.techtransfer.settings import get_techtransfer_settings
from shared.web import serve


def main() -> None:
    settings = get_techtransfer_settings()
    serve("techtransfer", settings.host, settings.port)


if __name__ == "__main__":
    main()
