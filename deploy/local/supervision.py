"""supervisord for the local stack: one supervisor per state directory runs the engines
and the services, restarts any that dies and leaves the others running.

Why supervisord (PyPI ``supervisor``): honcho stops every process when one exits, so a
single crash was a full outage until someone ran ``make up`` again. supervisord restarts
a process that exits unexpectedly at once and one that fails during start-up after a
growing pause (1 s, 2 s, 3 s ... ``START_RETRIES`` times: ~8 minutes of failing before it
gives up), and stops them in reverse priority order (services before engines).

The configuration is written to ``<state>/supervisord.conf``; every program has
``autostart=false`` so ``up`` starts only what it needs (an engine already healthy,
e.g. started by an older launcher, is left alone). supervisord is driven over XML-RPC
on its unix socket ``<state>/run/supervisor.sock``; ``down`` shuts it down, which
stops only the processes it started.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supervisor.xmlrpc import SupervisorTransport

from deploy.local.config import REPO_ROOT, LocalStack
from deploy.local.engines.base import EngineError, tail, wait_for

START_RETRIES = 30
# Seconds a process must stay up to count as started; an earlier exit is a start failure
# (backoff), a later one a crash (restarted at once).
START_SECONDS = 3


@dataclass
class Program:
    """One process supervisord runs."""

    name: str
    command: list[str]
    directory: Path
    log_file: Path
    env: dict[str, str] = field(default_factory=dict)  # set on top of supervisord's own
    user: str | None = None
    priority: int = 500  # lower starts first and stops last
    stop_wait_s: int = 30

    def section(self) -> str:
        env = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(self.env.items()))
        lines = [
            f"[program:{self.name}]",
            f"command={_escape(shlex.join(self.command))}",
            f"directory={_escape(str(self.directory))}",
            "autostart=false",
            "autorestart=true",
            f"startsecs={START_SECONDS}",
            f"startretries={START_RETRIES}",
            "stopsignal=TERM",
            f"stopwaitsecs={self.stop_wait_s}",
            "stopasgroup=true",
            "killasgroup=true",
            f"priority={self.priority}",
            "redirect_stderr=true",
            f"stdout_logfile={_escape(str(self.log_file))}",
            "stdout_logfile_maxbytes=20MB",
            "stdout_logfile_backups=2",
        ]
        if env:
            lines.append(f"environment={env}")
        if self.user:
            lines.append(f"user={self.user}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    # supervisord expands %(name)s in values: a literal % is written %%; quotes in env
    # values are escaped for its environment= parser.
    return value.replace("%", "%%").replace('"', '\\"')


class Supervisord:
    """The supervisord of one state directory."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.conf = stack.state_dir / "supervisord.conf"
        self.socket = stack.run_dir / "supervisor.sock"
        self.pid_file = stack.run_dir / "supervisord.pid"
        self.log_file = stack.logs_dir / "supervisord.log"

    # --- configuration ---------------------------------------------------------------
    def write_conf(self, programs: list[Program]) -> None:
        head = f"""\
[unix_http_server]
file={_escape(str(self.socket))}
chmod=0700

[supervisord]
logfile={_escape(str(self.log_file))}
logfile_maxbytes=20MB
pidfile={_escape(str(self.pid_file))}
directory={_escape(str(REPO_ROOT))}
loglevel=info

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{_escape(str(self.socket))}

"""
        self.conf.parent.mkdir(parents=True, exist_ok=True)
        self.conf.write_text(head + "\n".join(p.section() for p in programs))

    # --- the daemon --------------------------------------------------------------------
    def rpc(self) -> Any:
        transport = SupervisorTransport(None, None, serverurl=f"unix://{self.socket}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None
        return pid

    def running(self) -> bool:
        if self.pid() is None or not self.socket.exists():
            return False
        try:
            return self.rpc().getState()["statename"] == "RUNNING"
        except (OSError, xmlrpc.client.Error):
            return False

    def ensure(self, programs: list[Program]) -> None:
        """Start supervisord with ``programs``, or add new ones to a running one."""
        for folder in (self.stack.run_dir, self.stack.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.write_conf(programs)
        if self.running():
            added, _changed, _removed = self.rpc().reloadConfig()[0]
            for name in added:
                self.rpc().addProcessGroup(name)
            return
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env.pop("JAVA_TOOL_OPTIONS", None)  # OpenSearch refuses to start with it set
        with (self.stack.logs_dir / "supervisord.out").open("ab") as out:
            subprocess.Popen(
                [sys.executable, "-m", "supervisor.supervisord", "-n", "-c", str(self.conf)],
                cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        if not wait_for(self.running, 20, interval=0.2):
            raise EngineError(
                f"supervisord did not start; last lines of {self.log_file}:\n{tail(self.log_file)}"
            )

    def shutdown(self, timeout: float = 90.0) -> str:
        pid = self.pid()
        if pid is None:
            return "not started by us"
        try:
            self.rpc().shutdown()  # stops every program, services first (priority)
        except (OSError, xmlrpc.client.Error):
            os.kill(pid, signal.SIGTERM)
        if not wait_for(lambda: self.pid() is None, timeout, interval=0.2):
            os.kill(pid, signal.SIGKILL)
        return "stopped"

    # --- programs ------------------------------------------------------------------------
    def info(self, name: str) -> dict[str, Any] | None:
        if not self.running():
            return None
        try:
            return dict(self.rpc().getProcessInfo(name))
        except xmlrpc.client.Fault:
            return None

    def state(self, name: str) -> str | None:
        info = self.info(name)
        return info["statename"] if info else None

    def program_pid(self, name: str) -> int | None:
        info = self.info(name)
        return int(info["pid"]) or None if info and info["statename"] == "RUNNING" else None

    def start(self, name: str) -> None:
        try:
            self.rpc().startProcess(name, False)  # don't block for startsecs
        except xmlrpc.client.Fault as fault:
            if "ALREADY_STARTED" not in fault.faultString:
                raise

    def stop(self, name: str) -> bool:
        """Stop a program (blocks until it is down); False when it was not running."""
        try:
            self.rpc().stopProcess(name, True)
        except xmlrpc.client.Fault as fault:
            if "NOT_RUNNING" in fault.faultString or "BAD_NAME" in fault.faultString:
                return False
            raise
        return True

    def restarts(self) -> dict[str, dict[str, int]]:
        """Per program since supervisord started: ``restarts`` (spawns after the first)
        and ``crashes`` (exits supervisord did not ask for), read from its log."""
        if not self.log_file.exists():
            return {}
        text = self.log_file.read_text(errors="replace")
        text = text[text.rfind("supervisord started with pid") :]
        spawned = re.findall(r"spawned: '([^']+)'", text)
        crashed = re.findall(r"exited: (\S+) \(.*; not expected\)", text)
        out: dict[str, dict[str, int]] = {}
        for name in set(spawned):
            out[name] = {"restarts": spawned.count(name) - 1, "crashes": crashed.count(name)}
        return out

    def statuses(self) -> dict[str, dict[str, Any]]:
        """State, pid and uptime of every program, with its restart counts."""
        if not self.running():
            return {}
        counts = self.restarts()
        out = {}
        for info in self.rpc().getAllProcessInfo():
            name = info["name"]
            started = info["start"] if info["statename"] == "RUNNING" else 0
            out[name] = {
                "state": info["statename"],
                "pid": info["pid"] or None,
                "uptime_s": round(time.time() - started) if started else 0,
                **counts.get(name, {"restarts": 0, "crashes": 0}),
            }
        return out
