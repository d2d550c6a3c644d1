"""Roadshows' own settings (prefix ``DUIJIE_ROADSHOWS_``), next to the shared ones."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.events.contracts._market import DOMAINS


class RoadshowsSettings(BaseSettings):
    """Port, deck limits, the domains the compliance view watches, the sweeper's pace."""

    model_config = SettingsConfigDict(env_prefix="DUIJIE_ROADSHOWS_", extra="ignore")

    host: str = Field("127.0.0.1", description="bind address")
    port: int = Field(8007, description="HTTP port")
    deck_max_bytes: int = Field(
        5_000_000, ge=1, le=12_000_000, description="largest pitch deck accepted (PDF or .pptx)"
    )
    compliance_domains: list[str] = Field(
        default_factory=lambda: list(DOMAINS),
        description="domains that need a roadshow every month (policy 10(3))",
    )
    sweep_seconds: float = Field(60.0, gt=0, description="how often waitlist promotions heal")
    schedule_seed: int = Field(0, description="tie-break seed of the meeting scheduler")
    consume: bool = Field(True, description="consume identity tiers and matching scores")


@lru_cache
def get_roadshows_settings() -> RoadshowsSettings:
    return RoadshowsSettings()
