"""Techtransfer's own settings (prefix ``DUIJIE_TECHTRANSFER_``), next to the shared ones."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class TechtransferSettings(BaseSettings):
    """Port, database name, the interest expiry period and the sweeper's pace."""

    model_config = SettingsConfigDict(env_prefix="DUIJIE_TECHTRANSFER_", extra="ignore")

    host: str = Field("127.0.0.1", description="bind address")
    port: int = Field(8002, description="HTTP port")
    database: str = Field("techtransfer", description="database name, after the shared db_prefix")
    interest_expiry_days: float = Field(
        14.0, gt=0, description="an unanswered expression of interest expires after this"
    )
    sweep_seconds: float = Field(
        60.0, gt=0, description="how often the sweeper expires interests and meeting requests"
    )
    schedule_seed: int = Field(0, description="tie-break seed of the meeting scheduler")

    @property
    def interest_expiry(self) -> dt.timedelta:
        return dt.timedelta(days=self.interest_expiry_days)


@lru_cache
def get_techtransfer_settings() -> TechtransferSettings:
    return TechtransferSettings()
