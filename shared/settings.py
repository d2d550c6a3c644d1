"""Settings every service reads from the environment (prefix ``DUIJIE_``).

One place for engine addresses, topic naming and auth, so the local stack,
docker-compose and Kubernetes all configure services the same way.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Engine addresses and cross-cutting knobs shared by all services."""

    model_config = SettingsConfigDict(env_prefix="DUIJIE_", extra="ignore")

    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers")
    mongo_url: str = Field("mongodb://127.0.0.1:27017", description="MongoDB-wire URL")
    opensearch_url: str = Field("http://127.0.0.1:9200", description="OpenSearch base URL")
    topic_prefix: str = Field("", description="prefix for every topic name (tests, tenants)")
    group_prefix: str = Field("duijie", description="prefix for consumer-group names")
    db_prefix: str = Field("duijie", description="prefix for each service's database name")
    index_prefix: str = Field("duijie", description="prefix for OpenSearch indices and aliases")
    identity_url: str = Field("http://127.0.0.1:8001", description="identity service base URL")
    jwks_url: str = Field(
        "http://127.0.0.1:8001/.well-known/jwks.json", description="where public keys are served"
    )
    log_level: str = Field("INFO", description="root log level")
    state_dir: str = Field(".state", description="local stack state (data, logs, pids)")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
