"""Where the local stack keeps its cache and state, and which ports it uses.

Everything is overridable from the environment (``DUIJIE_LOCAL_*``), so tests can run
a second, throwaway stack beside the real one.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


def _default_cache() -> Path:
    # Root's home is private (0700): the unprivileged OpenSearch user could not read an
    # install under it, so root caches in /var/cache instead.
    if os.geteuid() == 0:
        return Path("/var/cache/duijie")
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "duijie"


class LocalStack(BaseSettings):
    """Paths and ports of the local stack."""

    model_config = SettingsConfigDict(env_prefix="DUIJIE_LOCAL_", extra="ignore")

    cache_dir: Path = Field(default_factory=_default_cache)
    state_dir: Path = Field(default_factory=lambda: REPO_ROOT / ".state")
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    opensearch_port: int = 9200
    opensearch_transport_port: int = 9300
    ferretdb_port: int = 27017
    ferretdb_debug_port: int = 8088
    smtp_port: int = 1025
    # Services listen on base + a fixed offset each (deploy/local/services.py).
    service_port_base: int = 8000
    search_user: str = "duijie-search"
    health_timeout_s: float = 90.0

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"

    @property
    def run_dir(self) -> Path:
        return self.state_dir / "run"
