"""Talent's own settings (prefix ``DUIJIE_TALENT_``), next to the shared ones."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class TalentSettings(BaseSettings):
    """Port, claim rules (K, N days, M per agency), guarantee period, CV limits, sweeper pace."""

    model_config = SettingsConfigDict(env_prefix="DUIJIE_TALENT_", extra="ignore")

    host: str = Field("127.0.0.1", description="bind address")
    port: int = Field(8008, description="HTTP port")
    open_k: int = Field(3, ge=1, le=20, description="open mode: agencies at once, by default")
    claim_days: int = Field(30, ge=1, le=90, description="how long a claim lasts, by default")
    agency_max_claims: int = Field(5, ge=1, description="M: claims one agency holds at once")
    remind_days: float = Field(3.0, ge=0, description="remind an agency this long before expiry")
    guarantee_days: int = Field(90, ge=1, description="guarantee period after a hire")
    cv_max_bytes: int = Field(2_000_000, ge=1, le=8_000_000, description="largest CV accepted")
    person_key_secret: str = Field(
        "duijie-local-person-key",
        description="HMAC key of candidates' phone/e-mail hashes (set it in production)",
    )
    sweep_seconds: float = Field(60.0, gt=0, description="how often claims/guarantees are swept")


@lru_cache
def get_talent_settings() -> TalentSettings:
    return TalentSettings()
