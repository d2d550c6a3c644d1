"""Identity's own settings (prefix ``DUIJIE_IDENTITY_``), next to the shared ones."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.identity.domain.throttle import ThrottlePolicy
from shared.mail import SmtpSettings


class IdentitySettings(SmtpSettings):
    """Ports, token lifetimes, sign-in and sign-up throttling, the sign-up mail."""

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

    # self-sign-up: every attempt counts (success or not), per client IP and per e-mail
    signup_ip_max_attempts: int = Field(10, ge=1, description="sign-ups per client IP a window")
    signup_email_max_attempts: int = Field(3, ge=1, description="sign-ups per e-mail a window")
    signup_window_seconds: int = Field(3600, ge=1, description="window sign-ups count in")
    signup_lockout_seconds: int = Field(3600, ge=1, description="how long a sign-up lock lasts")
    email_check_seconds: int = Field(86400, ge=60, description="how long a sign-up link works")
    portal_url: str = Field(
        "http://127.0.0.1:8000", description="base URL of the portal, for the link in the mail"
    )
    # the sign-up mail's server: shared.mail.SmtpSettings; its timeout is shorter than
    # notifications' (a visitor waits on this one)
    smtp_timeout_seconds: float = Field(10.0, gt=0, description="per-mail SMTP timeout")

    @property
    def access_ttl(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.access_token_seconds)

    @property
    def refresh_ttl(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.refresh_token_seconds)

    @property
    def email_check_ttl(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.email_check_seconds)

    def signup_policy(self, *, per_ip: bool) -> ThrottlePolicy:
        """Attempts (not only failures) count: signing up is what is throttled."""
        return ThrottlePolicy(
            max_failures=self.signup_ip_max_attempts if per_ip else self.signup_email_max_attempts,
            window=dt.timedelta(seconds=self.signup_window_seconds),
            lockout=dt.timedelta(seconds=self.signup_lockout_seconds),
        )

    def throttle_policy(self, *, per_ip: bool = False) -> ThrottlePolicy:
        return ThrottlePolicy(
            max_failures=self.signin_ip_max_failures if per_ip else self.signin_max_failures,
            window=dt.timedelta(seconds=self.signin_window_seconds),
            lockout=dt.timedelta(seconds=self.signin_lockout_seconds),
        )


@lru_cache
def get_identity_settings() -> IdentitySettings:
    return IdentitySettings()
