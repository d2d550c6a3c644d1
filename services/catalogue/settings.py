"""Catalogue's own settings (prefix ``DUIJIE_CATALOGUE_``), next to the shared ones."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CatalogueSettings(BaseSettings):
    """Port, how long a listing lasts, sweeper pace."""

    model_config = SettingsConfigDict(env_prefix="DUIJIE_CATALOGUE_", extra="ignore")

    host: str = Field("127.0.0.1", description="bind address")
    port: int = Field(8005, description="HTTP port")
    listing_days: int = Field(
        730, ge=1, le=3650, description="a listing lasts this long unless its entry says less"
    )
    sweep_seconds: float = Field(
        10.0, gt=0, description="how often listings past expiry and needs past deadline close"
    )
    reconcile_seconds: float = Field(
        120.0, gt=0, description="how often the edition in force and seat promotions are re-applied"
    )


@lru_cache
def get_catalogue_settings() -> CatalogueSettings:
    return CatalogueSettings()
