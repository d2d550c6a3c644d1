"""Benchmark: the CPU floor of one record's journey, step by step (issue 18's budget).

300 records/s on 2 cores leaves 2,000 ms / 300 = 6.67 ms of CPU per record for
everything. This measures, on the real engines, what each step a record cannot avoid
costs at its best batching, and sums them (``bench/budget_steps.py`` does the work):

1. http: one authenticated publish (FastAPI under uvicorn, pydantic body, the project's
   ``TokenVerifier``), many keep-alive httpx clients: the server process's CPU per
   request (the client's is shown, not summed: a user's browser is not on these cores);
2. store: the change row of one save, ``insert_many`` of ``--batch`` (the floor), beside
   ``MongoAggregateStore.create`` from 64 concurrent savers (as a service saves);
3. kafka: one hop = produce (acks=all, idempotent, linger) + consume (getmany) one
   ~1 KB envelope; client + broker;
4. embedding: ``semantic.model().encode`` of fresh passages in batches of ``--batch``
   (beside one at a time);
5. index: the service's projection (``to_index_doc``, vector given) and its refreshed
   ``_bulk`` (``SearchProjection._bulk_put``) of ``--batch`` documents;
6. search: the service's forward ranking body (``match_body``) and percolation
   (``build_percolate_query`` + ``standing_hits``) through ``_msearch`` of 50, against
   the records indexed in 5 (``--items``/2 + 100 of each kind: the demands' standing
   queries); levers as references: the body without semantic stage and highlighting,
   the percolated document cut to its words, and forward rankings against
   ``bench-matching``'s 100,000-offer index when it exists (read only);
7. inbox: one message per pair, ``insert_many`` of ``--batch`` (the floor), beside the
   repository's ``add_many`` (with the inbox keyed lists).

The counts per record (``COUNTS``) are the least a record can need: one publish request,
one store write, two Kafka hops, one passage, one indexed document, one forward ranking
and one percolation, one inbox message. Only these are summed; "(ref)" rows are not.

CPU from /proc: this process (``time.process_time``), the HTTP server by its pid, each
engine by the pid listening on its port (``bench/cpu.py``'s readers, JIT compiler threads
apart: a part is warmed up until they spend under a tenth of a pass). The engines are
shared: each run sits between two idle windows (it waits up to 4 s for a quiet one), and
a run with an engine over 5 % of a core above its quiet rate in either is "busy". Engine
CPU is net of the quiet rate (the lowest seen in any window). Each part runs
``--repeats`` times, up to three more while all were busy (indexing: three runs, each a
third of the documents); the cheapest clean run is kept (others' load only adds), and a
part with no clean run is marked BUSY. OpenSearch's own thread counters for this bench's
indices are printed beside it (wall time of its threads: a check, not CPU). Throwaway
names (``budget-<run>``) are dropped after each step.

    uv run python bench/budget.py [--items 1800] [--queries 250] [--batch 100] [--only kafka]

The last line is one JSON object: budget_ms, floor_ms, max_records_per_s, steps.

Measured on 2026-12-04, quiet: a 26.0 ms floor, i.e. 77 records/s (percolation 13.7,
forward ranking 6.0, sentence vector 4.6, the rest 1.8); after the percolate clause became
a filter (a63497c), 17.8 ms, 112 records/s (percolation 4.5). The least design (no vector,
one lexical query a record) comes to 5.3 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import typer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import budget_steps as steps  # noqa: E402
from bench import cpu  # noqa: E402
from bench.indexing import fresh_changes  # noqa: E402
from shared.settings import Settings  # noqa: E402

CORES, TARGET = 2, 300
BUDGET_MS = CORES * 1000 / TARGET
STEPS = ("http", "store", "kafka", "embedding", "index", "search", "inbox")
# how many of each measured part one record needs at least, and why
COUNTS: dict[str, list[tuple[str, float, str]]] = {
    "http": [("http", 1, "one publish (the real flow sends two: create, then publish)")],
    "store": [("store insert_many", 1, "one change row (real: create + publish, 2 saves)")],
    "kafka": [("kafka hop", 2, "record event -> matching, pair event -> notifications")],
    "embedding": [("embedding|embedding one by one", 1, "one passage (the cheaper way)")],
    "index": [("projection", 1, "segmentation + features"), ("index", 1, "one document")],
    "search": [
        ("forward", 1, "a demand's ranking, or a supply's re-rank of a demand"),
        ("percolate", 1, "the standing queries a record meets"),
    ],
    "inbox": [("inbox insert_many", 1, "one message per pair, one pair at least")],
}

# the query bodies measured; the least design sends one of them a record
QUERY_PARTS = ("forward", "percolate", "forward lexical", "percolate words")

app = typer.Typer(add_completion=False)


def _listening_pid(port: int) -> int | None:
    """The pid holding the listening socket of ``port`` (from /proc/net/tcp*)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            f = line.split()
            if f[3] == "0A" and int(f[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{f[9]}]")
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            for fd in (pid_dir / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(pid_dir.name)
        except OSError:
            continue
    return None


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/", 1)[0])


class Meter:
    """CPU seconds of this process, the engines (by listening port) and a server pid."""

    def __init__(self, settings: Settings) -> None:
        ports = {
            "kafka": _port(settings.kafka_bootstrap.split(",")[0]),
            "opensearch": _port(settings.opensearch_url),
            "ferretdb": _port(settings.mongo_url),
        }
        self.pids = {name: _listening_pid(port) for name, port in ports.items()}
        missing = [n for n, p in self.pids.items() if p is None]
        if missing:
            raise SystemExit(f"no process listens for {missing}: start the engines")
        root = cpu._supervisord()
        self.opensearch_url = settings.opensearch_url.rstrip("/")
        self.quiet: dict[str, float] = {}
        self.ours = {
            n: root is not None and Path(f"/proc/{root}").exists() and cpu._in_stack(str(p), root)
            for n, p in self.pids.items()
        }

    @staticmethod
    def of(pid: int | None) -> tuple[float, float]:
        """(CPU seconds without JIT threads, JIT seconds) of ``pid``."""
        found = cpu._cpu(Path(f"/proc/{pid}")) if pid else None
        if found is None:
            return 0.0, 0.0
        jit = cpu._jit(Path(f"/proc/{pid}"))
        return found[1] - jit, jit

    def engines(self) -> dict[str, tuple[float, float]]:
        return {name: self.of(pid) for name, pid in self.pids.items()}

    async def idle(self, seconds: float) -> dict[str, float]:
        """Each engine's CPU seconds per second while this bench sends nothing; the lowest
        rate seen is kept (``quiet``): the engine's own idle cost, no one else's."""
        e0, t0 = self.engines(), time.perf_counter()
        await asyncio.sleep(seconds)
        e1, wall = self.engines(), time.perf_counter() - t0
        rates = {k: (e1[k][0] - e0[k][0]) / wall for k in e0}
        self.quiet = {k: min(v, self.quiet.get(k, v)) for k, v in rates.items()}
        return rates

    def clean(self, run: dict[str, Any]) -> bool:
        """No one else used the engines around ``run`` (5 % of a core over their quiet)."""
        return all(v / 1000 <= self.quiet[k] + 0.05 for k, v in run["around"].items())

    def threads(self) -> float:
        """Seconds OpenSearch's threads spent on this bench's indices (query, fetch, index,
        refresh, merge: the node's own counters, as ``bench/pipeline.py`` reads them)."""
        url = f"{self.opensearch_url}/_stats/search,indexing,refresh,merge?level=indices"
        total = 0.0
        for name, stats in httpx.get(url, timeout=30).json().get("indices", {}).items():
            if name.startswith(("budget-", "bench-matching-")):
                t = stats["total"]
                s, i = t["search"], t["indexing"]
                counters = (s["query_time_in_millis"], s["fetch_time_in_millis"],
                            i["index_time_in_millis"], t["merges"]["total_time_in_millis"],
                            t["refresh"]["total_time_in_millis"])  # fmt: skip
                total += sum(counters) / 1000
        return total

    async def warm(self, part: steps.Part, passes: int = 4) -> None:
        """Run ``part.warm`` until the engines' JIT compilers spend under a tenth of what
        the engines do in a pass (a young JVM runs slow, uncompiled code first)."""
        for _ in range(passes if part.warm else 0):
            e0 = self.engines()
            await part.warm()  # type: ignore[misc]
            e1 = self.engines()
            jit = sum(e1[k][1] - e0[k][1] for k in part.engines)
            if jit <= 0.1 * sum(e1[k][0] - e0[k][0] for k in part.engines):
                return

    async def measure(self, part: steps.Part, repeats: int) -> list[dict[str, Any]]:
        """``repeats`` runs and up to three more while every run so far had someone else on
        its engines (or exactly ``part.runs``: one per slice of work that cannot repeat)."""
        await self.warm(part)
        runs: list[dict[str, Any]] = []
        for k in range(part.runs or repeats + 3):
            if not part.runs and k >= repeats and any(map(self.clean, runs)):
                break
            runs.append(await self.once(part, k))
        return runs

    async def once(self, part: steps.Part, k: int) -> dict[str, Any]:
        """Raw CPU seconds of one run, between two idle windows: the one before is waited
        for (up to 4 s more) until the run's engines are quiet; 0.5 s after."""
        before = await self.idle(1.0)  # also lets earlier work's tail settle
        for _ in range(8):  # others' load comes in bursts: start in a lull if there is one
            if self.clean({"around": {e: before[e] * 1000 for e in part.engines}}):
                break
            before = await self.idle(0.5)
        on_os = "opensearch" in part.engines
        th0 = self.threads() if on_os else 0.0
        e0, s0, t0 = self.engines(), self.of(part.server_pid)[0], time.perf_counter()
        c0 = time.process_time()
        done = await part.run(k)  # an int: the items of this run (a slice of the part)
        c1, wall = time.process_time(), time.perf_counter() - t0
        await asyncio.sleep(part.tail_s)  # the engine's deferred work (merges after a bulk)
        e1, s1 = self.engines(), self.of(part.server_pid)[0]
        window = time.perf_counter() - t0
        th1 = self.threads() if on_os else 0.0
        after = await self.idle(0.5) if part.engines else {}
        around = {k: max(before[k], after[k]) for k in part.engines}
        return {
            "part": part.name,
            "items": done if isinstance(done, int) else part.items,
            "batch": part.batch,
            "wall_s": round(wall, 2),
            "window_s": window,
            "client_s": c1 - c0,
            "server_s": s1 - s0,
            "engine_s": {k: e1[k][0] - e0[k][0] for k in part.engines},
            "jit_s": sum(e1[k][1] - e0[k][1] for k in part.engines),
            "threads_s": th1 - th0,
            "around": {k: round(v * 1000) for k, v in around.items()},
        }


def finish(got: dict[str, Any], idle: dict[str, float]) -> dict[str, Any]:
    """ms per item: this process; the engines net of their quiet idle rate (and the server)."""
    n, window = got["items"], got["window_s"]
    engine = got["server_s"] + sum(
        max(0.0, s - idle[k] * window) for k, s in got["engine_s"].items()
    )
    return {
        **got,
        "client_ms": got["client_s"] / n * 1000,
        "engine_ms": engine / n * 1000,
        "jit_ms": got["jit_s"] / n * 1000,
        "threads_ms": got["threads_s"] / n * 1000,
        "per_s": n / got["wall_s"],
    }


def best(runs: list[dict[str, Any]], meter: Meter) -> dict[str, Any]:
    """The cheapest clean run (no one else on its engines), else the cheapest run (busy)."""
    done = [{**finish(r, meter.quiet), "busy": not meter.clean(r)} for r in runs]
    clean = [r for r in done if not r["busy"]] or done
    return {**min(clean, key=lambda g: g["client_ms"] + g["engine_ms"]), "runs": len(runs)}


def records(n: int, seed: int, run: str) -> list[dict[str, Any]]:
    """Fresh published records, offers and needs alternating (``bench-indexing``'s)."""
    return [c.record.as_record() for c in fresh_changes(n, seed, f"b{run}")]


async def _run(opts: dict[str, Any], only: set[str]) -> list[dict[str, Any]]:
    run = uuid.uuid4().hex[:8]
    settings = Settings()
    meter = Meter(settings)
    print(
        f"engines (pid by listening port): {meter.pids}; under this checkout's "
        f"supervisord: {meter.ours}"
    )
    ctx = steps.Context(run, settings, records(opts["items"] + 200, opts["seed"], run))
    batch = opts["batch"]
    plan = [
        ("http", lambda: steps.http(ctx, opts["http_requests"], opts["clients"])),
        ("store", lambda: steps.store(ctx, opts["docs"], batch)),
        ("kafka", lambda: steps.kafka(ctx, opts["events"])),
        ("embedding", lambda: steps.embedding(ctx, len(ctx.records), batch)),
        ("index", lambda: steps.opensearch(ctx, opts["items"], batch, opts["queries"])),
        ("inbox", lambda: steps.inbox(ctx, opts["docs"], batch)),
    ]
    idle0 = await meter.idle(1.0)
    for _ in range(4):  # the quiet rate from the start: others' bursts come and go
        await meter.idle(0.5)
    print(f"engines idle (CPU ms/s): { {k: round(v * 1000) for k, v in idle0.items()} }")
    measured: list[list[dict[str, Any]]] = []
    try:
        for name, make in plan:
            if only and name not in only and not (name == "index" and "search" in only):
                continue
            try:
                for part in await make():
                    runs = await meter.measure(part, opts["repeats"])
                    measured.append(runs)
                    got = best(runs, meter)
                    print(
                        f"  {got['part']:<21} {got['items']:>6} in {got['wall_s']:>6.2f} s "
                        f"({got['per_s']:>6.0f}/s): client {got['client_ms']:.3f} ms, engine "
                        f"{got['engine_ms']:.3f} ms (JIT {got['jit_ms']:.3f}, OpenSearch threads "
                        f"{got['threads_ms']:.3f}); {len(runs)} runs, engines around the best "
                        f"{got['around']} ms/s{' BUSY' if got['busy'] else ''}",
                        flush=True,
                    )
            finally:  # each step's topics, databases, indices and server go at once
                await ctx.close()
    finally:
        await ctx.close()
    idle1 = await meter.idle(3.0)
    print(f"engines idle at the end (CPU ms/s): { {k: round(v * 1000) for k, v in idle1.items()} }")
    # the lowest idle rate seen (start, end, around each run) is the engines' own
    print(f"engines' quiet rate, subtracted (CPU ms/s): "
          f"{ {k: round(v * 1000) for k, v in meter.quiet.items()} }")  # fmt: skip
    return [best(runs, meter) for runs in measured]


def report(parts: list[dict[str, Any]]) -> dict[str, Any]:
    by = {p["part"]: p for p in parts}
    head = (
        f"{'step':<10} {'part':<21} {'n/rec':>5} {'client ms':>9} {'engine ms':>9} {'total ms':>8}"
    )
    print(f"\n{head}  batch (why this count)")
    totals: dict[str, float] = {}
    counted: set[str] = set()
    for step in STEPS:
        for names, count, why in COUNTS[step]:
            found = [by[n] for n in names.split("|") if n in by]
            if not found:
                continue
            # http: the client is the users' browsers, off these cores; the server counts
            p = min(found, key=lambda g: g["engine_ms"] + (step != "http") * g["client_ms"])
            counted.add(p["part"])
            client = 0.0 if step == "http" else p["client_ms"]
            total = count * (client + p["engine_ms"])
            totals[step] = totals.get(step, 0.0) + total
            print(
                f"{step:<10} {p['part']:<21} {count:>5g} {p['client_ms']:>9.3f} "
                f"{p['engine_ms']:>9.3f} {total:>8.3f}  {p['batch']} ({why}){' BUSY' * p['busy']}"
            )
    for p in parts:
        if p["part"] not in counted:
            mine = p["client_ms"] + p["engine_ms"]
            print(
                f"{'(ref)':<10} {p['part']:<21} {'-':>5} {p['client_ms']:>9.3f} "
                f"{p['engine_ms']:>9.3f} {mine:>8.3f}  {p['batch']}{' BUSY' * p['busy']}"
            )
    floor = sum(totals.values())
    top = 2000 / floor if floor else 0.0
    print(
        f"\nfloor {floor:.2f} ms of CPU a record; budget {BUDGET_MS:.2f} ms "
        f"({CORES} cores x 1000 ms / {TARGET}); the floor permits {top:.0f} records/s"
    )
    least(by, totals)
    print(
        "http: engine = the uvicorn server process; its client (httpx) is not summed. "
        "(ref) rows are not summed: the service's other way, or a lever"
    )
    return {
        "budget_ms": round(BUDGET_MS, 2),
        "floor_ms": round(floor, 2),
        "max_records_per_s": round(top, 1),
        "steps": {s: round(totals.get(s, 0.0), 3) for s in STEPS},
    }


def least(by: dict[str, dict[str, Any]], totals: dict[str, float]) -> None:
    """The least any design on this stack could spend: the same steps, but no sentence
    vector at all and ONE query a record, the cheapest body measured (a demand's ranking
    or a supply's percolation, never both), into indices without vector features."""

    def cost(name: str) -> float | None:
        p = by.get(name)
        return p["client_ms"] + p["engine_ms"] if p else None

    queries = [c for c in map(cost, QUERY_PARTS) if c is not None]
    indexes = [c for c in map(cost, ("index", "index without vector")) if c is not None]
    if not queries or not indexes or "projection" not in by:
        return
    rest = sum(totals.get(s, 0.0) for s in ("http", "store", "kafka", "inbox"))
    bare = rest + cost("projection") + min(indexes) + min(queries)  # type: ignore[operator]
    print(
        f"the least any design needs (no vector, one cheapest query a record): {bare:.2f} ms, "
        f"{2000 / bare:.0f} records/s; with the vector: {bare + totals.get('embedding', 0):.2f}"
        f" ms, {2000 / (bare + totals.get('embedding', 0)):.0f} records/s"
    )


@app.command()
def main(
    items: int = typer.Option(1800, help="fresh records embedded, projected and indexed"),
    queries: int = typer.Option(250, help="forward rankings and percolations sent per run"),
    batch: int = typer.Option(100, help="documents per insert_many / _bulk / model call"),
    http_requests: int = typer.Option(3000, help="publish requests"),
    clients: int = typer.Option(32, help="concurrent keep-alive HTTP clients"),
    events: int = typer.Option(50000, help="Kafka events produced and consumed"),
    docs: int = typer.Option(5000, help="store saves / inbox messages per measured part"),
    only: str = typer.Option("", help="comma-separated steps (default: all)"),
    repeats: int = typer.Option(2, help="runs of each part (the cheapest clean one is kept)"),
    seed: int = typer.Option(0, help="0: fresh texts each run"),
) -> None:
    seed = seed or (time.time_ns() ^ os.getpid()) % 2**31
    print(
        f"seed {seed}, load {os.getloadavg()}, OPENBLAS_CORETYPE="
        f"{os.environ.get('OPENBLAS_CORETYPE', '(unset)')}"
    )
    opts = {
        "items": items,
        "batch": batch,
        "http_requests": http_requests,
        "clients": clients,
        "events": events,
        "docs": docs,
        "seed": seed,
        "repeats": repeats,
        "queries": queries,
    }
    wanted = {s.strip() for s in only.split(",") if s.strip()}
    parts = asyncio.run(_run(opts, wanted))
    result = report(parts)
    print(f"load after: {os.getloadavg()}")
    print(json.dumps(result))


if __name__ == "__main__":
    app()
