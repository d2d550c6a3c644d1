"""The portal's settings: where the services are, and how its cookies behave.

Every address can be overridden (``DUIJIE_PORTAL_IDENTITY_URL`` ...), so tests and a
deployment point it anywhere; the defaults are the local stack's fixed ports.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL = "http://127.0.0.1"


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DUIJIE_PORTAL_", extra="ignore")

    identity_url: str = f"{LOCAL}:8001"
    techtransfer_url: str = f"{LOCAL}:8002"
    matching_url: str = f"{LOCAL}:8003"
    notifications_url: str = f"{LOCAL}:8004"
    catalogue_url: str = f"{LOCAL}:8005"
    scenarios_url: str = f"{LOCAL}:8006"
    roadshows_url: str = f"{LOCAL}:8007"
    talent_url: str = f"{LOCAL}:8008"
    reporting_url: str = f"{LOCAL}:8009"
    secure_cookies: bool = Field(False, description="Secure flag on cookies (HTTPS deployments)")
    timeout_s: float = Field(10.0, description="per call to a service")
    inbox_wait_s: float = Field(20.0, ge=0, le=30, description="long poll for the live inbox")

    def url(self, service: str) -> str:
        return str(getattr(self, f"{service}_url"))


@lru_cache
def get_portal_settings() -> PortalSettings:
    return PortalSettings()
