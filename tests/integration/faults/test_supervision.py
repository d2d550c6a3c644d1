"""supervisord heals the local stack: a SIGKILLed process comes back by itself, the others
keep running, ``status`` counts the restart, and ``down`` stops only what ``up`` started.

Runs a throwaway stack (FerretDB and the SMTP sink: the quickest engines) in a temp
state directory on free ports; only processes of that stack's supervisord are signalled.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def local(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deploy.local", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def status(env: dict[str, str]) -> dict:
    """The throwaway supervisord's view, in-process (a CLI call costs seconds here)."""
    from deploy.local.config import LocalStack
    from deploy.local.supervision import Supervisord

    return Supervisord(LocalStack(state_dir=Path(env["DUIJIE_LOCAL_STATE_DIR"]))).statuses()


def wait(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def stack_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = dict(
        os.environ,
        DUIJIE_LOCAL_STATE_DIR=str(tmp_path / "state"),
        DUIJIE_LOCAL_FERRETDB_PORT=str(free_port()),
        DUIJIE_LOCAL_FERRETDB_DEBUG_PORT=str(free_port()),
        DUIJIE_LOCAL_SMTP_PORT=str(free_port()),
    )
    try:
        yield env
    finally:
        local(["down"], env)


def test_a_killed_engine_comes_back_the_others_keep_running_and_down_stops_only_ours(
    stack_env: dict[str, str],
) -> None:
    started = local(["up", "ferretdb", "smtp"], stack_env)
    assert started.returncode == 0, started.stderr
    # healthy already; supervisord calls it RUNNING once it has lived ``startsecs``
    wait(lambda: status(stack_env)["ferretdb"]["state"] == "RUNNING", 30, "RUNNING")
    before = status(stack_env)
    smtp_pid = before["smtp"]["pid"]

    os.killpg(before["ferretdb"]["pid"], signal.SIGKILL)  # a process of our own stack
    wait(lambda: status(stack_env)["ferretdb"]["state"] == "RUNNING"
         and status(stack_env)["ferretdb"]["restarts"] == 1, 30, "the restart")  # fmt: skip
    after = status(stack_env)
    assert after["ferretdb"]["crashes"] == 1
    assert after["ferretdb"]["pid"] != before["ferretdb"]["pid"]
    assert after["smtp"]["pid"] == smtp_pid and after["smtp"]["restarts"] == 0

    with socket.socket() as bystander:  # something else on the machine, left alone
        bystander.bind(("127.0.0.1", 0))
        bystander.listen()
        stopped = local(["down"], stack_env)
        assert "services: stopped" in stopped.stdout
        assert "smtp: stopped" in stopped.stdout and "ferretdb: stopped" in stopped.stdout
        assert "kafka: not started by us" in stopped.stdout
        for port in (stack_env["DUIJIE_LOCAL_SMTP_PORT"], stack_env["DUIJIE_LOCAL_FERRETDB_PORT"]):
            with socket.socket() as probe:
                assert probe.connect_ex(("127.0.0.1", int(port))) != 0
        with socket.socket() as probe:
            assert probe.connect_ex(bystander.getsockname()) == 0
