"""Run the scenarios service: ``python -m services.scenarios`` (DUIJIE_SCENARIOS_PORT)."""

from __future__ import annotations

from services.scenarios.settings import get_scenarios_settings
from shared.web import serve


def main() -> None:
    settings = get_scenarios_settings()
    serve("scenarios", settings.host, settings.port)


if __name__ == "__main__":
    main()
