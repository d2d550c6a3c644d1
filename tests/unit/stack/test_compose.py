"""docker-compose.yml describes the same system as the local stack: every application
container is a service folder, every service folder has a container, and every
variable it sets is one the settings read (or uvicorn's FORWARDED_ALLOW_IPS)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from deploy.local.services import existing_services
from shared.settings import Settings

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]
ENGINES = {"kafka", "opensearch", "mongo"}
UVICORN = {"FORWARDED_ALLOW_IPS"}  # uvicorn's own: whose X-Forwarded-For it believes


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def app_services(compose: dict) -> dict[str, dict]:
    return {name: svc for name, svc in compose["services"].items() if name not in ENGINES}


def test_every_application_container_is_a_service_folder(compose: dict) -> None:
    for name, svc in app_services(compose).items():
        assert (REPO / "services" / name / "main.py").exists(), f"{name} has no services/{name}"
        assert svc["build"]["args"]["SERVICE"] == name


def test_every_service_folder_has_a_container(compose: dict) -> None:
    assert sorted(existing_services()) == sorted(app_services(compose))


def test_every_variable_set_is_one_the_settings_read(compose: dict) -> None:
    known = {f"DUIJIE_{name.upper()}" for name in Settings.model_fields}
    for name, svc in app_services(compose).items():
        own = f"DUIJIE_{name.upper()}_"  # the service's own settings (e.g. the portal's URLs)
        unknown = {v for v in svc.get("environment", {}) if not v.startswith(own)} - known - UVICORN
        assert not unknown, f"{name} sets variables no setting reads: {sorted(unknown)}"


def test_engines_have_health_checks_and_services_wait_for_them(compose: dict) -> None:
    for engine in ENGINES:
        assert "healthcheck" in compose["services"][engine]
    for name, svc in app_services(compose).items():
        assert set(svc["depends_on"]) == ENGINES, name
        assert "healthcheck" in svc, name
