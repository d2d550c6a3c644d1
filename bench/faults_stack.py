"""A throwaway local stack for the fault suite, and the faults it injects.

Everything runs in a temporary state directory on free ports (``DUIJIE_LOCAL_*``), under
its own supervisord: the engines and services other people use on the default ports are
never touched, and only processes this stack's supervisord started are ever signalled.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_range(n: int, start: int = 28000) -> int:
    """The first port of ``n`` consecutive free ports at or above ``start``."""
    base = start
    while not all(_free(base + i) for i in range(n)):
        base += n
    return base


class ThrowawayStack:
    """``python -m deploy.local up|down`` in a temporary directory on free ports."""

    def __init__(self, keep: bool = False) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="duijie-faults-"))
        self.dir.chmod(0o755)  # OpenSearch runs as an unprivileged user: it must enter
        self.keep = keep
        self.env = {
            "DUIJIE_LOCAL_STATE_DIR": str(self.dir / "state"),
            "DUIJIE_LOCAL_KAFKA_PORT": str(free_port()),
            "DUIJIE_LOCAL_KAFKA_CONTROLLER_PORT": str(free_port()),
            "DUIJIE_LOCAL_OPENSEARCH_PORT": str(free_port()),
            "DUIJIE_LOCAL_OPENSEARCH_TRANSPORT_PORT": str(free_port()),
            "DUIJIE_LOCAL_FERRETDB_PORT": str(free_port()),
            "DUIJIE_LOCAL_FERRETDB_DEBUG_PORT": str(free_port()),
            "DUIJIE_LOCAL_SMTP_PORT": str(free_port()),
            "DUIJIE_LOCAL_SERVICE_PORT_BASE": str(free_range(12)),
            # nine services importing at once on a busy 2-core machine take minutes
            "DUIJIE_LOCAL_HEALTH_TIMEOUT_S": "300",
            # the bench's tokens outlive the run instead of expiring mid-fault
            "DUIJIE_IDENTITY_ACCESS_TOKEN_SECONDS": "3600",
        }
        os.environ.update(self.env)  # status, settings and the supervisor client see it
        from deploy.local.config import LocalStack
        from deploy.local.services import service_env
        from deploy.local.supervision import Supervisord

        self.stack = LocalStack()
        os.environ.update(
            {k: v for k, v in service_env(self.stack).items() if k.startswith("DUIJIE_")}
        )
        self.sup = Supervisord(self.stack)

        # The services run from a snapshot of the last commit, not from the working tree
        # that other people are editing while the suite runs (a half-saved module would
        # crash a restarted service and be counted as a slow recovery).
        self.src = self.dir / "src"
        self.src.mkdir()
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=REPO, capture_output=True,
                                 check=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(self.src)], input=archive, check=True)
        head = ["git", "rev-parse", "--short", "HEAD"]
        self.commit = subprocess.run(head, cwd=REPO, capture_output=True, text=True,
                                     check=True).stdout.strip()  # fmt: skip

    def local(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "deploy.local", *args], cwd=self.src, env=dict(os.environ),
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip

    def up(self, services: list[str] | None) -> float:
        begun = time.monotonic()
        extra = [a for s in services or [] for a in ("-s", s)]
        result = self.local("up", *extra)
        if result.returncode != 0:
            raise SystemExit(f"throwaway stack did not start:\n{result.stdout}{result.stderr}")
        return time.monotonic() - begun

    def down(self) -> None:
        self.local("down", timeout=300)
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- faults: only on processes of this stack's supervisord ---------------------------
    def pid(self, name: str) -> int:
        pid = self.sup.program_pid(name)
        if pid is None:
            raise RuntimeError(f"{name} is not running under the throwaway supervisord")
        return pid

    def sigkill(self, name: str) -> None:
        os.killpg(self.pid(name), signal.SIGKILL)  # the program leads its process group

    def stop(self, name: str) -> None:
        self.sup.stop(name)

    def start(self, name: str) -> None:
        self.sup.start(name)

    def pause(self, name: str) -> int:
        pid = self.pid(name)
        os.killpg(pid, signal.SIGSTOP)
        return pid

    def resume(self, pid: int) -> None:
        os.killpg(pid, signal.SIGCONT)

    def restarts(self) -> dict[str, int]:
        return {name: v["restarts"] for name, v in self.sup.restarts().items()}


@dataclass
class Fault:
    """One fault: ``inject`` returns when the fault has ended (the clock for recovery)."""

    name: str
    inject: Callable[[ThrowawayStack], None]


def kill_service(name: str) -> Fault:
    return Fault(f"sigkill {name}", lambda s: s.sigkill(name))


def rolling_restart(names: list[str]) -> Fault:
    """SIGTERM (graceful: requests finish, offsets committed) and start, one at a time."""

    def inject(s: ThrowawayStack) -> None:
        from deploy.local.engines.base import wait_for
        from deploy.local.services import service_healthy

        for name in names:
            s.stop(name)  # supervisord: SIGTERM, SIGKILL only after its stop timeout
            s.start(name)
            wait_for(lambda n=name: service_healthy(n, s.stack, "/readyz"), 120, interval=0.2)

    return Fault("rolling restart (sigterm) of every service", inject)


def _kafka(s: ThrowawayStack) -> None:
    s.sigkill("kafka")  # supervisord restarts it at once: the restart is part of recovery


def _opensearch_stopped(s: ThrowawayStack, seconds: float = 30.0) -> None:
    s.stop("opensearch")
    time.sleep(seconds)  # the length of the outage is the fault itself
    s.start("opensearch")


def _ferretdb(s: ThrowawayStack) -> None:
    s.sigkill("ferretdb")


def _opensearch_paused(s: ThrowawayStack, seconds: float = 5.0) -> None:
    pid = s.pause("opensearch")
    try:
        time.sleep(seconds)  # a slow engine: every request waits this long
    finally:
        s.resume(pid)


ENGINE_FAULTS = [
    Fault("sigkill+restart kafka", _kafka),
    Fault("opensearch stopped 30 s", _opensearch_stopped),
    Fault("sigkill+restart ferretdb", _ferretdb),
    Fault("opensearch paused 5 s", _opensearch_paused),
]
