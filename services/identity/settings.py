"""Identity's own settings (prefix ``DUIJIE_IDENTITY_``), next to the shared ones."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.identity.domain.throttle import ThrottlePolicy


class IdentitySettings(BaseSettings):
    """Ports, token lifetimes and sign-in throttling."""

    model_config = SettingsConfigDict(env_prefix="DUIJIE_IDENTITY_", extra="ignore")

    host: str = Field("127.0.0.1", description="bind address")
    port: int = Field(8001, description="HTTP port")
    database: str = Field("identity", description="database name, after the shared db_prefix")
    issuer: str = Field("duijie-identity", description="the iss claim of access tokens")
    audience: str = Field("duijie", description="the aud claim of access tokens")
    access_token_seconds: int = Field(900, ge=60, le=3600, description="access token lifetime")
    refresh_token_seconds: int = Field(14 * 86400, ge=3600, description="refresh token lifetime")
    signin_max_failures: int = Field(5, ge=1, description="failures per e-mail before a lock")
    signin_ip_max_failures: int = Field(30, ge=1, description="failures per client IP")
    signin_window_seconds: int = Field(900, ge=1, description="window the failures count in")
    signin_lockout_seconds: int = Field(900, ge=1, description="how long a lock lasts")
    tier_sweep_seconds: float = Field(3600.0, gt=0, description="cultivation-rule sweep interval")

    @property
    def access_ttl(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.access_token_seconds)

    @property
    def refresh_ttl(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.refresh_token_seconds)

    def throttle_policy(self, *, per_ip: bool = False) -> ThrottlePolicy:
        return ThrottlePolicy(
            max_failures=self.signin_ip_max_failures if per_ip else self.signin_max_failures,
            window=dt.timedelta(seconds=self.signin_window_seconds),
            lockout=dt.timedelta(seconds=self.signin_lockout_seconds),
        )


@lru_cache
def get_identity_settings() -> IdentitySettings:
    return IdentitySettings()
