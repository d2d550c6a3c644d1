"""What every engine shares: a cached fetch, a detached process with a pid file and a
log file in the state directory, a health check waited on with a deadline."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

from deploy.local.config import LocalStack

# The Debian package that brings each tool, for the error message.
TOOL_PACKAGES = {
    "java": "a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless)",
    "mvn": "Maven (Debian: apt-get install maven)",
    "go": "Go 1.22+ (Debian: apt-get install golang, or the official tarball)",
}


class EngineError(RuntimeError):
    """A failure the person running the stack can act on; the message names the cause."""


def require_tools(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        wanted = "; ".join(f"`{t}` not found on PATH: install {TOOL_PACKAGES[t]}" for t in missing)
        raise EngineError(wanted)


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts TCP connections on the port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.25) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def cached(target: Path, build: Callable[[Path], None]) -> Path:
    """Build ``target`` once: into a scratch folder, then a completed-marker, then an
    atomic rename, so an interrupted download never leaves a half-filled cache."""
    marker = target / ".complete"
    if marker.exists():
        return target
    scratch = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        build(scratch)
        (scratch / ".complete").write_text("ok\n")
        shutil.rmtree(target, ignore_errors=True)
        scratch.rename(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a build step; on failure raise with the command's last output lines."""
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise EngineError(f"`{' '.join(cmd[:3])} ...` failed (exit {proc.returncode}):\n{tail}")
    return proc.stdout


def tail(path: Path, lines: int = 20) -> str:
    if not path.exists():
        return f"(no log at {path})"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Engine(ABC):
    """One engine process of the local stack."""

    name: str
    tools: tuple[str, ...] = ()

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack

    # --- what each engine says about itself -------------------------------------
    @property
    @abstractmethod
    def port(self) -> int: ...

    @property
    @abstractmethod
    def url(self) -> str: ...

    @abstractmethod
    def fetch(self) -> None:
        """Download and build into the cache (a no-op when already cached)."""

    @abstractmethod
    def command(self) -> list[str]:
        """The command line that runs the engine in the foreground."""

    @abstractmethod
    def healthy(self) -> bool:
        """The engine answers a real request (not just an open port)."""

    def prepare(self) -> None:  # noqa: B027 - most engines need no preparation
        """Write configuration and format storage before the first start."""

    def env(self) -> dict[str, str]:
        return dict(os.environ)

    def user(self) -> str | None:
        return None

    # --- shared mechanics -----------------------------------------------------------
    @property
    def pid_file(self) -> Path:
        return self.stack.run_dir / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.stack.logs_dir / f"{self.name}.log"

    @property
    def home(self) -> Path:
        """This engine's state: data, configuration."""
        return self.stack.state_dir / self.name

    def pid(self) -> int | None:
        """The pid ``up`` started, if that process is still alive."""
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None
        return pid

    def start(self) -> str:
        """Start the engine unless it is already healthy; return what was done."""
        if self.healthy():
            return "already healthy"
        if self.pid() is None and port_open(self.port):
            raise EngineError(
                f"{self.name}: port {self.port} is already taken by another process that is "
                f"not a healthy {self.name}; stop it or set DUIJIE_LOCAL_{self.name.upper()}_PORT"
            )
        if self.pid() is not None:
            return "starting"
        require_tools(*self.tools)
        self.fetch()
        for folder in (self.stack.logs_dir, self.stack.run_dir, self.home):
            folder.mkdir(parents=True, exist_ok=True)
        self.prepare()
        with self.log_file.open("ab") as log:
            proc = subprocess.Popen(
                self.command(),
                cwd=self.home,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                user=self.user(),
            )
        self.pid_file.write_text(f"{proc.pid}\n")
        return "started"

    def wait_healthy(self, timeout: float) -> None:
        def ready() -> bool:
            if self.healthy():
                return True
            if self.pid() is None and self.pid_file.exists():
                raise EngineError(
                    f"{self.name} exited during start-up; last lines of {self.log_file}:\n"
                    f"{tail(self.log_file)}"
                )
            return False

        if not wait_for(ready, timeout, interval=0.5):
            raise EngineError(
                f"{self.name} not healthy on port {self.port} after {timeout:.0f}s; "
                f"last lines of {self.log_file}:\n{tail(self.log_file)}"
            )

    def stop(self, timeout: float = 30.0) -> str:
        """Stop the process ``up`` started; anything else is left alone."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return "not started by us"
        os.killpg(pid, signal.SIGTERM)
        if not wait_for(lambda: self.pid() is None or _is_zombie(pid), timeout):
            os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return "stopped"


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except (FileNotFoundError, IndexError):
        return True
