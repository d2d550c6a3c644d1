"""Notifications' own settings (prefix ``DUIJIE_NOTIFICATIONS_``), next to the shared ones."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.notifications.domain.backoff import BackoffPolicy
from shared.mail import SmtpSettings


class NotificationsSettings(SmtpSettings):
    """SMTP server (``shared.mail``), webhook retry limits, worker pacing, links and retention."""

    model_config = SettingsConfigDict(env_prefix="DUIJIE_NOTIFICATIONS_", extra="ignore")

    host: str = Field("127.0.0.1", description="bind address")
    port: int = Field(8004, description="HTTP port")
    database: str = Field("notifications", description="database name, after the db_prefix")
    portal_url: str = Field(
        "http://127.0.0.1:8000", description="base URL of the portal, for links in messages"
    )

    webhook_timeout_seconds: float = Field(10.0, gt=0, description="per-attempt HTTP timeout")
    max_attempts: int = Field(6, ge=1, le=30, description="attempts before a job is failed")
    backoff_base_seconds: float = Field(5.0, gt=0, description="delay after the first failure")
    backoff_max_seconds: float = Field(3600.0, gt=0, description="longest delay between tries")
    backoff_jitter: float = Field(0.2, ge=0, le=1, description="± fraction of random jitter")

    workers: int = Field(4, ge=1, le=64, description="concurrent delivery tasks")
    poll_seconds: float = Field(2.0, gt=0, description="idle worker poll interval")
    lease_seconds: float = Field(120.0, gt=0, description="a claimed job is retaken after this")
    digest_hour: int = Field(8, ge=0, le=23, description="daily digest hour, Beijing time")
    message_retention_days: int = Field(365, ge=1, description="inbox messages kept this long")
    late_joiner_hours: float = Field(
        24.0, ge=0, description="a user learned this soon after a notice still hears it"
    )
    job_retention_days: int = Field(30, ge=1, description="finished delivery jobs kept this long")

    @property
    def backoff(self) -> BackoffPolicy:
        return BackoffPolicy(
            base=self.backoff_base_seconds,
            cap=self.backoff_max_seconds,
            jitter=self.backoff_jitter,
            max_attempts=self.max_attempts,
        )


@lru_cache
def get_notifications_settings() -> NotificationsSettings:
    return NotificationsSettings()
