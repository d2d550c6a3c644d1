"""The Duijie services under honcho: one Procfile line a service, each on its own port,
logs in the state directory. A service exists when ``services/<name>/main.py`` does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from deploy.local.config import REPO_ROOT, LocalStack
from deploy.local.engines.base import EngineError, tail, wait_for

# Fixed ports, so links between services and the README stay stable.
SERVICE_PORTS = {
    "portal": 8000,
    "identity": 8001,
    "techtransfer": 8002,
    "matching": 8003,
    "notifications": 8004,
    "catalogue": 8005,
    "scenarios": 8006,
    "roadshows": 8007,
    "talent": 8008,
}
# Demo data is loaded in this order (later services refer to identity's organisations).
SEED_ORDER = ["identity", "techtransfer", "catalogue", "scenarios", "roadshows", "talent"]


def existing_services(root: Path = REPO_ROOT) -> list[str]:
    """Service folder names that have a composition root, in port order."""
    found = {p.parent.name for p in (root / "services").glob("*/main.py")}
    return [name for name in SERVICE_PORTS if name in found] + sorted(found - SERVICE_PORTS.keys())


def service_url(name: str) -> str:
    return f"http://127.0.0.1:{SERVICE_PORTS[name]}"


def service_healthy(name: str) -> bool:
    try:
        return httpx.get(f"{service_url(name)}/healthz", timeout=1.5).status_code == 200
    except httpx.HTTPError:
        return False


class Supervisor:
    """Starts and stops honcho, which runs every existing service."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.procfile = stack.state_dir / "Procfile"
        self.pid_file = stack.run_dir / "services.pid"
        self.log_file = stack.logs_dir / "services.log"

    def write_procfile(self, names: list[str]) -> None:
        lines = [
            f"{name}: {sys.executable} -m uvicorn services.{name}.main:create_app --factory "
            f"--host 127.0.0.1 --port {SERVICE_PORTS[name]} --no-access-log"
            for name in names
        ]
        self.procfile.write_text("\n".join(lines) + "\n")

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None
        return pid

    def start(self, names: list[str], timeout: float) -> None:
        if not names:
            return
        if self.pid() is None:
            self.stack.run_dir.mkdir(parents=True, exist_ok=True)
            self.stack.logs_dir.mkdir(parents=True, exist_ok=True)
            self.write_procfile(names)
            env = dict(os.environ, PYTHONUNBUFFERED="1")
            with self.log_file.open("ab") as log:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "honcho", "--no-colour", "-f", str(self.procfile),
                     "start"],
                    cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, start_new_session=True,
                )  # fmt: skip
            self.pid_file.write_text(f"{proc.pid}\n")
        for name in names:
            if not wait_for(lambda n=name: service_healthy(n), timeout, interval=0.5):
                raise EngineError(
                    f"service {name} not healthy on {service_url(name)} after {timeout:.0f}s; "
                    f"last lines of {self.log_file}:\n{tail(self.log_file, 30)}"
                )

    def stop(self) -> str:
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return "not started by us"
        os.killpg(pid, signal.SIGTERM)
        if not wait_for(lambda: self.pid() is None, 20):
            os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return "stopped"


def seed_demo(names: list[str]) -> list[str]:
    """Run ``seed-demo`` of every service that has a CLI, in dependency order."""
    done = []
    for name in [n for n in SEED_ORDER if n in names]:
        if (REPO_ROOT / "services" / name / "cli.py").exists():
            proc = subprocess.run(
                [sys.executable, "-m", f"services.{name}.cli", "seed-demo"],
                cwd=REPO_ROOT, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if proc.returncode != 0:
                raise EngineError(f"seed-demo of {name} failed:\n{proc.stdout}{proc.stderr}")
            done.append(name)
    return done
