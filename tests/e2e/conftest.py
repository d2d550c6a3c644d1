"""End-to-end fixtures: real service processes (uvicorn, as the local stack runs them)
on free ports, against the real engines, isolated by a per-run prefix for topics,
databases and indices so runs never see each other's data.

- ``start_service(name, **env)`` / ``start_services(*names, **env)``: start
  ``services.<name>`` processes (several are launched together, then awaited healthy);
  all stop at session end, after which the run's topics, databases and indices go.
- ``run_cli(module, *args, **env)``: ``python -m <module> ...`` with the run's environment.
- ``eventually(check, timeout, what)``: poll ``check`` until it returns something truthy.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from shared.settings import Settings

REPO = Path(__file__).resolve().parents[2]
T = TypeVar("T")
CLEANUP_SECONDS = 60.0  # a busy shared FerretDB can take long to drop databases


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


def wait_healthy(service: ServiceProcess, timeout: float = 150.0) -> None:
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


def eventually(check: Callable[[], T], timeout: float, what: str, interval: float = 0.1) -> T:
    """``check()``'s first truthy result, polled until ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout}s (last: {result!r})")
        time.sleep(interval)  # polling interval of a deadline-bounded wait


@pytest.fixture(scope="session")
async def e2e_cleanup(e2e_prefix: str) -> AsyncIterator[None]:
    """After the session's processes stopped: drop the run's databases, indices, topics."""
    yield
    from shared.broker import delete_topics
    from shared.db import create_mongo_client
    from shared.search import create_search_client

    settings = Settings(topic_prefix=f"{e2e_prefix}.", db_prefix=e2e_prefix,
                        index_prefix=e2e_prefix)  # fmt: skip
    mongo = create_mongo_client(settings)
    search = create_search_client(settings)

    async def clean() -> None:
        # by name: FerretDB's listDatabases can hang on a busy SQLite directory
        for service in sorted(p.parent.name for p in (REPO / "services").glob("*/main.py")):
            await mongo.drop_database(f"{e2e_prefix}_{service}")
        await search.indices.delete(
            index=f"{e2e_prefix}-*", ignore_unavailable=True, expand_wildcards="all"
        )
        from aiokafka.admin import AIOKafkaAdminClient

        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
        await admin.start()
        try:
            topics = [t for t in await admin.list_topics() if t.startswith(f"{e2e_prefix}.")]
        finally:
            await admin.close()
        await delete_topics(topics, settings)

    try:
        await asyncio.wait_for(clean(), CLEANUP_SECONDS)
    except Exception as exc:  # clean-up is best effort: warn (shown in the summary), not fail
        warnings.warn(f"e2e clean-up of {e2e_prefix} incomplete: {exc!r}", stacklevel=1)
    finally:
        await mongo.close()
        await search.close()


class ServiceRunner:
    """Starts service processes with the run's environment and stops them all."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.started: list[ServiceProcess] = []

    def launch(self, name: str, **extra_env: str) -> ServiceProcess:
        port = free_port()
        log = self.logs / f"{name}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", f"services.{name}.main:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env={**self.env, **extra_env}, stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        service = ServiceProcess(name, f"http://127.0.0.1:{port}", process, log)
        self.started.append(service)
        return service

    def start(self, name: str, **extra_env: str) -> ServiceProcess:
        service = self.launch(name, **extra_env)
        wait_healthy(service)
        return service

    def start_all(
        self, *names: str, timeout: float = 150.0, **extra_env: str
    ) -> dict[str, ServiceProcess]:
        """``timeout``: each one's start-up deadline (many at once on a busy machine)."""
        services = {name: self.launch(name, **extra_env) for name in names}
        for service in services.values():
            wait_healthy(service, timeout=timeout)
        return services

    def stop(self) -> None:
        for service in self.started:
            service.process.terminate()
        for service in self.started:
            try:
                service.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                service.process.kill()


@pytest.fixture(scope="session")
def service_runner(
    e2e_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory, e2e_cleanup: None
) -> Iterator[ServiceRunner]:
    runner = ServiceRunner(e2e_env, tmp_path_factory.mktemp("e2e-logs"))
    yield runner
    runner.stop()


@pytest.fixture(scope="session")
def start_service(service_runner: ServiceRunner) -> Callable[..., ServiceProcess]:
    """Start ``services.<name>`` as its own process; all are stopped at session end."""
    return service_runner.start


@pytest.fixture(scope="session")
def start_services(service_runner: ServiceRunner) -> Callable[..., dict[str, ServiceProcess]]:
    """Launch several services at once, then wait for each to be healthy."""
    return service_runner.start_all


@pytest.fixture(scope="session")
def run_cli(e2e_env: dict[str, str]) -> Callable[..., str]:
    """Run ``python -m <module> <args>`` with the run's environment; returns its stdout."""

    def run(module: str, *args: str, **extra_env: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", module, *args], cwd=REPO, env={**e2e_env, **extra_env},
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{module} {args} exited {done.returncode}:\n{done.stderr}")
        return done.stdout

    return run
