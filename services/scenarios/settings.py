"""Scenarios' own settings (prefix ``DUIJIE_SCENARIOS_``), next to the shared ones."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ScenariosSettings(BaseSettings):
    """Port and whether matching's suggestions are consumed (the pushes)."""

    model_config = SettingsConfigDict(env_prefix="DUIJIE_SCENARIOS_", extra="ignore")

    host: str = Field("127.0.0.1", description="bind address")
    port: int = Field(8006, description="HTTP port")
    consume: bool = Field(True, description="turn matching's suggestions into pushes")


@lru_cache
def get_scenarios_settings() -> ScenariosSettings:
    return ScenariosSettings()
