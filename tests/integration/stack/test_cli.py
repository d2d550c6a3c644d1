"""The local stack's command line on its bad paths: a taken port, a missing tool, and
``up`` run twice. Each test runs a throwaway FerretDB on a free port with its own state."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def local(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deploy.local", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture
def stack_env(tmp_path: Path) -> dict[str, str]:
    return dict(
        os.environ,
        DUIJIE_LOCAL_STATE_DIR=str(tmp_path / "state"),
        DUIJIE_LOCAL_FERRETDB_PORT=str(free_port()),
        DUIJIE_LOCAL_FERRETDB_DEBUG_PORT=str(free_port()),
    )


def test_a_port_taken_by_something_else_is_named_in_the_error(stack_env: dict[str, str]) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = local(["up", "ferretdb"], dict(stack_env, DUIJIE_LOCAL_FERRETDB_PORT=str(port)))
    assert result.returncode == 1
    assert f"port {port} is already taken by another process" in result.stderr


def test_a_missing_tool_names_the_package_to_install(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    env = dict(stack_env, PATH="/usr/bin:/bin", DUIJIE_LOCAL_CACHE_DIR=str(tmp_path / "cache"))
    if any(Path(folder, "go").exists() for folder in ("/usr/bin", "/bin")):
        pytest.skip("this machine has go in /usr/bin, so it cannot be hidden from PATH")
    result = local(["up", "ferretdb"], env)
    assert result.returncode == 1
    assert "`go` not found on PATH: install Go" in result.stderr


def test_up_twice_is_harmless_and_down_stops_what_up_started(stack_env: dict[str, str]) -> None:
    port = stack_env["DUIJIE_LOCAL_FERRETDB_PORT"]
    try:
        first = local(["up", "ferretdb"], stack_env)
        assert first.returncode == 0, first.stderr
        assert "ferretdb: started" in first.stdout
        second = local(["up", "ferretdb"], stack_env)
        assert second.returncode == 0, second.stderr
        assert "ferretdb: already healthy" in second.stdout
        status = local(["status", "--json"], stack_env)
        assert f'"url": "mongodb://127.0.0.1:{port}", "healthy": true' in status.stdout
    finally:
        stopped = local(["down", "ferretdb"], stack_env)
    assert "ferretdb: stopped" in stopped.stdout
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", int(port))) != 0
