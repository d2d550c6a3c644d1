"""Reporting's own settings (prefix ``DUIJIE_REPORTING_``), next to the shared ones."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.reporting.domain.alerts import Thresholds


class ReportingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DUIJIE_REPORTING_", extra="ignore")

    host: str = Field("127.0.0.1", description="bind address")
    port: int = Field(8009, description="HTTP port")
    checkpoint_seconds: float = Field(5.0, gt=0, description="read-model snapshot interval")
    alert_seconds: float = Field(900.0, gt=0, description="how often alerts are checked")
    demand_days: int = Field(30, ge=1, description="a demand unanswered this long alerts")
    expiring_hours: int = Field(48, ge=1, description="interests/claims expiring this soon")
    catalogue_days: int = Field(30, ge=1, description="catalogue entries expiring this soon")
    catalogue_listing_days: int = Field(365, ge=1, description="listing validity if unstated")
    roadshow_warn_days: int = Field(7, ge=1, description="days before month end to warn")
    stale_cultivation_days: int = Field(90, ge=1, description="a quarter without list change")

    def thresholds(self) -> Thresholds:
        return Thresholds(
            demand_days=self.demand_days, expiring_hours=self.expiring_hours,
            catalogue_days=self.catalogue_days, catalogue_listing_days=self.catalogue_listing_days,
            roadshow_warn_days=self.roadshow_warn_days,
            stale_cultivation_days=self.stale_cultivation_days,
        )  # fmt: skip


@lru_cache
def get_reporting_settings() -> ReportingSettings:
    return ReportingSettings()
