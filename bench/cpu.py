"""CPU time per part of the stack, read from /proc: where a benchmark's seconds went.

``snapshot()`` sums user+system CPU seconds of every live process by group: each
service (``python -m services.<name>`` or ``services.<name>.main``), OpenSearch, Kafka,
FerretDB, the bench itself and everything else. ``since(before)`` is the difference,
so a step's split is ``since(snapshot())`` taken around it. A process that started or
died inside the window counts only what it used while alive and visible.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
_SERVICE = re.compile(r"services[./](\w+)")


def _group(cmdline: str, pid: int) -> str:
    if pid == os.getpid():
        return "bench"
    if "opensearch" in cmdline and "java" in cmdline:
        return "opensearch"
    if "kafka" in cmdline and "java" in cmdline:
        return "kafka"
    if "ferretdb" in cmdline:
        return "ferretdb"
    found = _SERVICE.search(cmdline)
    if found and "python" in cmdline:
        return found.group(1)
    return "other"


def _cpu(pid_dir: Path) -> tuple[str, float] | None:
    try:
        stat = (pid_dir / "stat").read_text()
        cmdline = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:  # gone between listing and reading
        return None
    fields = stat.rsplit(")", 1)[1].split()
    # utime and stime are the 14th and 15th fields; the split starts at the 3rd
    seconds = (int(fields[11]) + int(fields[12])) / TICKS
    return _group(cmdline, int(pid_dir.name)), seconds


def snapshot() -> dict[str, float]:
    """CPU seconds so far, per group (threads are counted in their process)."""
    by_pid: dict[str, float] = {}
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        found = _cpu(pid_dir)
        if found:
            group, seconds = found
            key = f"{group}:{pid_dir.name}"
            by_pid[key] = seconds
    return by_pid


def since(before: dict[str, float]) -> dict[str, float]:
    """CPU seconds per group used since ``before`` (processes born since count whole)."""
    now = snapshot()
    out: dict[str, float] = {}
    for key, seconds in now.items():
        group = key.split(":", 1)[0]
        out[group] = out.get(group, 0.0) + seconds - before.get(key, 0.0)
    return {g: round(s, 2) for g, s in sorted(out.items(), key=lambda kv: -kv[1]) if s > 0.005}
