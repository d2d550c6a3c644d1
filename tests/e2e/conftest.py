"""End-to-end fixtures: real service processes (uvicorn, as the local stack runs them)
on free ports, against the real engines, isolated by a per-run prefix for topics,
databases and indices so runs never see each other's data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServiceProcess:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def wait_healthy(service: ServiceProcess, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"{service.name} exited:\n{service.log_tail()}")
        try:
            if httpx.get(f"{service.url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # polling interval of a deadline-bounded wait, not synchronisation
    raise TimeoutError(f"{service.name} not healthy after {timeout}s:\n{service.log_tail()}")


@pytest.fixture(scope="session")
def e2e_prefix() -> str:
    return f"e2e{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
def e2e_env(e2e_prefix: str) -> dict[str, str]:
    """Environment every service process of this run shares."""
    return dict(
        os.environ,
        DUIJIE_TOPIC_PREFIX=f"{e2e_prefix}.",
        DUIJIE_GROUP_PREFIX=e2e_prefix,
        DUIJIE_DB_PREFIX=e2e_prefix,
        DUIJIE_INDEX_PREFIX=e2e_prefix,
        PYTHONUNBUFFERED="1",
    )


@pytest.fixture(scope="session")
def start_service(
    e2e_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., ServiceProcess]]:
    """Start ``services.<name>`` as its own process; all are stopped at session end."""
    started: list[ServiceProcess] = []
    logs = tmp_path_factory.mktemp("e2e-logs")

    def start(name: str, **extra_env: str) -> ServiceProcess:
        port = free_port()
        log = logs / f"{name}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", f"services.{name}.main:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env={**e2e_env, **extra_env}, stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        service = ServiceProcess(name, f"http://127.0.0.1:{port}", process, log)
        started.append(service)
        wait_healthy(service)
        return service

    yield start
    for service in started:
        service.process.terminate()
    for service in started:
        try:
            service.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            service.process.kill()
