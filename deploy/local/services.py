"""The Duijie services on the local stack: one uvicorn process a service, each on its
own port, run by supervisord (``deploy/local/supervision.py``) beside the engines, logs
in ``<state>/logs/<service>.log``. A service exists when ``services/<name>/main.py`` does.

Ports are ``DUIJIE_LOCAL_SERVICE_PORT_BASE`` (8000) plus a fixed offset per service, so
a second, throwaway stack (tests, ``make bench-faults``) runs beside the real one; every
service is told where the engines and its peers of the same stack are.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from deploy.local.config import REPO_ROOT, LocalStack
from deploy.local.engines import Engine
from deploy.local.engines.base import EngineError, tail, wait_for
from deploy.local.supervision import Program, Supervisord

# Offsets from the port base (8000), so links between services and the README stay stable.
SERVICE_PORTS = {
    "portal": 0,
    "identity": 1,
    "techtransfer": 2,
    "matching": 3,
    "notifications": 4,
    "catalogue": 5,
    "scenarios": 6,
    "roadshows": 7,
    "talent": 8,
    "reporting": 9,
}
# Demo data is loaded in this order (later services refer to identity's organisations).
SEED_ORDER = ["identity", "techtransfer", "catalogue", "scenarios", "roadshows", "talent"]
# SIGTERM: uvicorn stops accepting, lets requests in flight finish for this long, then the
# lifespan stops consumers (their done offsets committed) and the relay. supervisord
# waits STOP_WAIT_S in all before a SIGKILL.
GRACEFUL_S = 10
STOP_WAIT_S = 25


def existing_services(root: Path = REPO_ROOT) -> list[str]:
    """Service folder names that have a composition root, in port order."""
    found = {p.parent.name for p in (root / "services").glob("*/main.py")}
    return [name for name in SERVICE_PORTS if name in found] + sorted(found - SERVICE_PORTS.keys())


def service_port(name: str, stack: LocalStack | None = None) -> int:
    stack = stack or LocalStack()
    offset = SERVICE_PORTS.get(name)
    if offset is None:  # a new service not yet given a port: after the known ones
        offset = len(SERVICE_PORTS) + sorted(existing_services()).index(name)
    return stack.service_port_base + offset


def service_url(name: str, stack: LocalStack | None = None) -> str:
    return f"http://127.0.0.1:{service_port(name, stack)}"


def service_healthy(name: str, stack: LocalStack | None = None, path: str = "/healthz") -> bool:
    try:
        return httpx.get(f"{service_url(name, stack)}{path}", timeout=1.5).status_code == 200
    except httpx.HTTPError:
        return False


def service_env(stack: LocalStack) -> dict[str, str]:
    """Where the engines and the other services of this stack are (``DUIJIE_*``)."""
    identity = service_url("identity", stack)
    env = {
        "DUIJIE_KAFKA_BOOTSTRAP": f"127.0.0.1:{stack.kafka_port}",
        "DUIJIE_MONGO_URL": f"mongodb://127.0.0.1:{stack.ferretdb_port}",
        "DUIJIE_OPENSEARCH_URL": f"http://127.0.0.1:{stack.opensearch_port}",
        "DUIJIE_IDENTITY_URL": identity,
        "DUIJIE_JWKS_URL": f"{identity}/.well-known/jwks.json",
        "DUIJIE_STATE_DIR": str(stack.state_dir),
        "DUIJIE_NOTIFICATIONS_PORTAL_URL": service_url("portal", stack),
        "DUIJIE_NOTIFICATIONS_SMTP_PORT": str(stack.smtp_port),
        "DUIJIE_IDENTITY_PORTAL_URL": service_url("portal", stack),  # the sign-up link
        "DUIJIE_IDENTITY_SMTP_PORT": str(stack.smtp_port),
        "PYTHONUNBUFFERED": "1",
    }
    for name in SERVICE_PORTS:
        env[f"DUIJIE_PORTAL_{name.upper()}_URL"] = service_url(name, stack)
    return env


def service_command(name: str, stack: LocalStack) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", f"services.{name}.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(service_port(name, stack)), "--no-access-log",
        "--timeout-graceful-shutdown", str(GRACEFUL_S),
    ]  # fmt: skip


def service_programs(stack: LocalStack, names: list[str]) -> list[Program]:
    env = service_env(stack)
    logs = stack.logs_dir
    return [
        Program(
            name,
            service_command(name, stack),
            REPO_ROOT,
            logs / f"{name}.log",
            env=env,
            priority=900,
            stop_wait_s=STOP_WAIT_S,
        )
        for name in names
    ]


def engine_program(engine: Engine) -> Program:
    base = dict(os.environ)
    env = {k: v for k, v in engine.env().items() if base.get(k) != v}
    return Program(
        engine.name, engine.command(), engine.home, engine.log_file,
        env=env, user=engine.user(), priority=100, stop_wait_s=30,
    )  # fmt: skip


def all_programs(stack: LocalStack, engines: list[Engine]) -> list[Program]:
    return [engine_program(e) for e in engines] + service_programs(stack, existing_services())


def start_services(sup: Supervisord, stack: LocalStack, names: list[str], timeout: float) -> None:
    """Start the services under ``sup`` and wait until each answers ``/healthz``."""
    for name in names:
        sup.start(name)
    for name in names:
        if not wait_for(lambda n=name: service_healthy(n, stack), timeout, interval=0.5):
            log = stack.logs_dir / f"{name}.log"
            raise EngineError(
                f"service {name} not healthy on {service_url(name, stack)} after "
                f"{timeout:.0f}s (supervisor: {sup.state(name)}); last lines of {log}:\n"
                f"{tail(log, 30)}"
            )


def seed_demo(names: list[str], stack: LocalStack | None = None) -> list[str]:
    """Run ``seed-demo`` of every service that has a CLI, in dependency order."""
    env = dict(os.environ, **service_env(stack or LocalStack()))
    done = []
    for name in [n for n in SEED_ORDER if n in names]:
        if (REPO_ROOT / "services" / name / "cli.py").exists():
            proc = subprocess.run(
                [sys.executable, "-m", f"services.{name}.cli", "seed-demo"],
                cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if proc.returncode != 0:
                raise EngineError(f"seed-demo of {name} failed:\n{proc.stdout}{proc.stderr}")
            done.append(name)
    return done
