"""CPU time per part of the stack, read from /proc: where a benchmark's seconds went.

``snapshot()`` sums user+system CPU seconds of the stack's processes by group: each
service (``python -m services.<name>`` or ``services.<name>.main``), OpenSearch, Kafka,
FerretDB, and the bench itself. The stack is what its supervisord started (found from its
pid file in the local state directory), so other stacks and test runs on the same machine
are left out; with no supervisord, every process counts. ``since(before)`` is the difference,
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


def _parent(pid: str) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[1]


def _supervisord() -> str | None:
    """The pid of the local stack's supervisord (this environment's state directory)."""
    state = Path(os.environ.get("DUIJIE_LOCAL_STATE_DIR") or Path(__file__).parents[1] / ".state")
    try:
        return (state / "run" / "supervisord.pid").read_text().strip()
    except OSError:
        return None


def _in_stack(pid: str, root: str | None) -> bool:
    if root is None or pid == str(os.getpid()):
        return True
    seen = 0
    while pid and pid not in ("0", "1") and seen < 64:
        if pid == root:
            return True
        pid, seen = _parent(pid) or "", seen + 1
    return False


def _jit(pid_dir: Path) -> float:
    """CPU seconds of a JVM's JIT compiler threads (``C1/C2 CompilerThread``)."""
    seconds = 0.0
    for task in (pid_dir / "task").iterdir() if (pid_dir / "task").exists() else ():
        try:
            if not (task / "comm").read_text().startswith(("C1 Compiler", "C2 Compiler")):
                continue
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds += (int(fields[11]) + int(fields[12])) / TICKS
    return seconds


def snapshot() -> dict[str, float]:
    """CPU seconds so far, per group (threads are counted in their process, except a
    JVM's JIT compiler threads: ``<group> jit``, the cost of a young JVM warming up)."""
    root = _supervisord()
    by_pid: dict[str, float] = {}
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit() or not _in_stack(pid_dir.name, root):
            continue
        found = _cpu(pid_dir)
        if found:
            group, seconds = found
            if group in ("opensearch", "kafka"):
                jit = _jit(pid_dir)
                by_pid[f"{group} jit:{pid_dir.name}"] = jit
                seconds -= jit
            by_pid[f"{group}:{pid_dir.name}"] = seconds
    return by_pid


def since(before: dict[str, float]) -> dict[str, float]:
    """CPU seconds per group used since ``before`` (processes born since count whole)."""
    now = snapshot()
    out: dict[str, float] = {}
    for key, seconds in now.items():
        group = key.split(":", 1)[0]
        out[group] = out.get(group, 0.0) + seconds - before.get(key, 0.0)
    return {g: round(s, 2) for g, s in sorted(out.items(), key=lambda kv: -kv[1]) if s > 0.005}
