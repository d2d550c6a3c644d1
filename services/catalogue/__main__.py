"""Run the catalogue service: ``python -m services.catalogue`` (DUIJIE_CATALOGUE_PORT)."""

from __future__ import annotations

from services.catalogue.settings import get_catalogue_settings
from shared.web import serve


def main() -> None:
    settings = get_catalogue_settings()
    serve("catalogue", settings.host, settings.port)


if __name__ == "__main__":
    main()
