"""Benchmark: matching's indexing throughput, projection and index write end to end.

``--records`` fresh records (half ``tech_offer``, half ``tech_need`` from
``bench/matching_data.py``, a new seed each run, so no vector is cached from an earlier
run) go through what the service does with a published record: ``project_async(change)``
(``to_index_doc_async``: segmentation, the sentence vector computed in one model call with
those of concurrent handlers in a worker thread, the demand's standing query) and
``SearchProjection.put`` — the shared ``_bulk`` (refreshed) that concurrent handlers
coalesce into — with ``--concurrency`` handlers at once (the service handles
``consumer_concurrency`` = 8 events at once per topic; offers and needs are two topics),
into fresh throwaway indices on the real OpenSearch, dropped at the end. The baseline
(``bench/indexing_baseline.py``: the projection before this work) runs in the same run
on as many other fresh records, into its own indices, and so does ``sync``: the
synchronous ``to_index_doc`` (what ``reindex`` uses), and ``one_call``: the handlers'
path with one model call at a time (as before 229106c; the service runs
``semantic.MODEL_CALLS`` = 2 at once, each on one BLAS thread). The paths alternate by
rounds, so all see the same machine.

Printed per path: records/s (wall), and CPU per record split into segmentation,
embedding, the rest of the bench process (projection, client, JSON) and the OpenSearch
process (``bench/cpu.py``; the engine is shared, so others' load shows there too), and
which BLAS kernels the model ran on (the embedding's CPU depends on them); ``cores`` is
the CPU per record times records/s: how much of the machine's 2 cores the path kept busy.

    uv run python bench/indexing.py [--records 3000] [--concurrency 16] [--rounds 3]
        [--no-baseline] [--no-sync] [--variants one_call]

The last line is one JSON object: records, records_per_s, cpu_ms_per_record,
segment_ms, embed_ms, baseline_records_per_s.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import cpu, indexing_baseline  # noqa: E402
from bench.matching_data import need, offer  # noqa: E402
from services.matching.domain.records import RecordChange, Verb, snapshot_from_data  # noqa: E402
from services.matching.ranking import projection, semantic, text  # noqa: E402
from services.matching.storage.search import SearchProjection, WriteOutcome  # noqa: E402
from shared.search import create_search_client  # noqa: E402
from shared.settings import Settings  # noqa: E402

KINDS = ("tech_offer", "tech_need")
app = typer.Typer(add_completion=False)


def fresh_changes(n: int, seed: int, tag: str) -> list[RecordChange]:
    """``n`` published records, offers and needs alternating, ids unique to this run."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        rec = (need if i % 2 else offer)(i, rng)
        rec["id"] = f"{tag}-{rec['id']}"
        snap = snapshot_from_data({**rec, "owner_org_id": "bench-org"}, kind=rec["kind"],
                                  subject=rec["id"])  # fmt: skip
        out.append(RecordChange(event_id=uuid.uuid4().hex, verb=Verb.published, version=1,
                                record=snap))  # fmt: skip
    return out


def project(change: RecordChange) -> dict[str, Any]:
    """What ``usecases.projection.project`` (reindex) does with a published record (not
    imported: the use-case layer pulls in the whole service)."""
    doc = projection.to_index_doc(change.record.as_record())
    doc["owner_org_id"] = change.record.owner_org_id
    return doc


async def project_batched(change: RecordChange) -> dict[str, Any]:
    """What the event handlers do (``usecases.projection.project_async``): concurrent
    records share a model call, up to ``semantic.MODEL_CALLS`` calls at once."""
    doc = await projection.to_index_doc_async(change.record.as_record())
    doc["owner_org_id"] = change.record.owner_org_id
    return doc


#: other ways to share the model, by path name: ``semantic.model_calls`` options; such a
#: path is the handlers' path (``project_batched``) with its own batcher in the loop
VARIANTS = {"one_call": {"calls": 1}}  # one model call at a time (as before 229106c)
VARIANTS_HELP = (
    "also run these ways to share the model, comma-separated: one_call (one model call"
    " at a time, as before 229106c)"
)


def baseline_project(change: RecordChange) -> dict[str, Any]:
    """The same over the old ``to_index_doc``."""
    doc = indexing_baseline.to_index_doc(change.record.as_record())
    doc["owner_org_id"] = change.record.owner_org_id
    return doc


class Timed:
    """Counts the CPU (this thread's) spent in the current path's segmentation and
    embedding, by wrapping the functions ``to_index_doc`` calls."""

    def __init__(self) -> None:
        self.times: Counter[str] = Counter()
        self._orig: list[tuple[Any, str, Any]] = []
        self._lock = threading.Lock()  # model calls run in two threads at once

    def wrap(self, owner: Any, name: str, part: str) -> None:
        fn = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.thread_time() - started
                with self._lock:
                    self.times[part] += spent

        self._orig.append((owner, name, fn))
        setattr(owner, name, timed)


async def run_chunk(
    search: SearchProjection, changes: list[RecordChange],
    project_fn: Callable[[RecordChange], dict[str, Any]], concurrency: int,
    waits: Counter[str],
) -> None:  # fmt: skip
    todo = iter(changes)

    async def handler() -> None:
        for change in todo:  # handlers share the iterator: each change is taken once
            t0 = time.perf_counter()
            doc = project_fn(change)
            if asyncio.iscoroutine(doc):
                doc = await doc
            t1 = time.perf_counter()
            outcome = await search.put(change.record.kind, doc, change.version)
            waits["project"] += t1 - t0
            waits["put"] += time.perf_counter() - t1
            if outcome is not WriteOutcome.applied:
                raise RuntimeError(f"{change.record.id}: {outcome}")

    await asyncio.gather(*(handler() for _ in range(concurrency)))


class Path_:
    def __init__(
        self, name: str, project_fn: Callable, counter: Counter[str],
        calls: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        self.name, self.project_fn, self.counter = name, project_fn, counter
        self.calls = calls  # semantic.model_calls options: the batcher it embeds through
        self.times: Counter[str] = Counter()  # this path's share of ``counter``
        self.waits: Counter[str] = Counter()  # handlers' wall time in each step
        self.wall = self.bench_cpu = self.engine_cpu = 0.0
        self.records = 0
        self.engine_own: dict[str, float] = {}  # ms the engine spent on this path's indices

    def summary(self) -> dict[str, Any]:
        n = max(self.records, 1)
        seg, emb = self.times["segment"] / n * 1000, self.times["embed"] / n * 1000
        bench_ms, engine_ms = self.bench_cpu / n * 1000, self.engine_cpu / n * 1000
        rate = self.records / self.wall if self.wall else 0.0
        return {
            "records": self.records,
            "records_per_s": round(self.records / self.wall, 1),
            "cpu_ms_per_record": round(bench_ms + engine_ms, 2),
            "segment_ms": round(seg, 2),
            "embed_ms": round(emb, 2),
            "rest_ms": round(bench_ms - seg - emb, 2),
            "opensearch_ms": round(engine_ms, 2),
            # cores this path kept busy (bench + engine) out of the machine's 2
            "cores": round((bench_ms + engine_ms) * rate / 1000, 2),
            # a record's wall time in the projection (the model call) and in the _bulk
            "project_wait_ms": round(self.waits["project"] / n * 1000, 1),
            "put_wait_ms": round(self.waits["put"] / n * 1000, 1),
            # OpenSearch's own time on this path's indices (index, refresh, merge threads):
            # unlike opensearch_ms, others' use of the shared engine does not count here
            **{f"os_{k}_ms": round(v / n, 2) for k, v in self.engine_own.items()},
        }


@app.command()
def main(
    records: int = typer.Option(3000, help="fresh records per path"),
    concurrency: int = typer.Option(
        16, help="handlers at once: consumer_concurrency (8) per topic, offers and needs"
    ),
    rounds: int = typer.Option(3, help="alternations of the two paths"),
    baseline: bool = typer.Option(True, help="also run the old path (same run)"),
    sync: bool = typer.Option(True, help="also run the synchronous to_index_doc (reindex's)"),
    variants: str = typer.Option("one_call", help=VARIANTS_HELP),
    batch: int = typer.Option(0, help="passages per coalesced batch (0: semantic.BATCH)"),
    seed: int = typer.Option(0, help="0: a new seed (fresh texts) each run"),
) -> None:
    seed = seed or (time.time_ns() ^ os.getpid()) % 2**31
    semantic.BATCH = batch or semantic.BATCH  # read when a batcher is made, in the run
    tag = f"ix{uuid.uuid4().hex[:8]}"
    print(f"seed {seed}, {records} records per path, concurrency {concurrency}, "
          f"batch {semantic.BATCH}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    started = time.perf_counter()
    semantic.model()
    text.tokens("预热")
    indexing_baseline._tokenizer()
    print(f"model and segmenter loaded in {time.perf_counter() - started:.1f} s; {_blas()}")
    _engines_visible()
    timed = Timed()
    timed.wrap(projection, "segment", "segment")
    timed.wrap(projection, "segment_all", "segment")
    timed.wrap(semantic, "embed_many", "embed")  # the sync path and the batched one's thread
    paths = [Path_("service", project_batched, timed.times, calls={})]
    for name in filter(None, variants.split(",")):
        paths.append(Path_(name, project_batched, timed.times, calls=VARIANTS[name]))
    if sync:
        paths.append(Path_("sync", project, timed.times))
    if baseline:
        paths.append(Path_("baseline", baseline_project, indexing_baseline.TIMES))
    work = {p.name: fresh_changes(records, seed + k, f"{tag}{k}") for k, p in enumerate(paths)}
    asyncio.run(_run(paths, work, rounds, concurrency, tag))
    for p in paths:
        print(p.name, json.dumps(p.summary(), ensure_ascii=False))
    cur = paths[0].summary()
    base = paths[-1].summary()["records_per_s"] if baseline else None
    keys = ("records", "records_per_s", "cpu_ms_per_record", "segment_ms", "embed_ms")
    print(json.dumps({**{k: cur[k] for k in keys}, "baseline_records_per_s": base}))


def _blas() -> str:
    """Which BLAS kernels the model runs on: the embedding's CPU depends on it."""
    from threadpoolctl import threadpool_info

    libs = [f"{i['internal_api']} {i.get('architecture')}" for i in threadpool_info()]
    forced = os.environ.get("OPENBLAS_CORETYPE")
    return f"BLAS {', '.join(libs)}" + (f" (OPENBLAS_CORETYPE={forced})" if forced else "")


def _engines_visible() -> None:
    """``bench/cpu.py`` counts the processes under the local stack's supervisord; when its
    pid file is stale (the engines were started again from another checkout), count every
    process instead, as it does with no supervisord: OpenSearch is the one on this machine."""
    root = cpu._supervisord()
    if root and not Path(f"/proc/{root}").exists():
        cpu._supervisord = lambda: None


async def _run(paths: list[Path_], work: dict, rounds: int, concurrency: int, tag: str) -> None:
    client = create_search_client(Settings(), timeout=120)
    searches = {p.name: SearchProjection(client, f"bench-{tag}-{p.name}") for p in paths}
    try:
        for s in searches.values():
            await s.ensure_indexes(KINDS)
        loop = asyncio.get_running_loop()  # a batcher belongs to its loop: made here
        batchers = {p.name: semantic.model_calls(**p.calls) for p in paths if p.calls is not None}
        for r in range(rounds):
            for p in paths if r % 2 == 0 else paths[::-1]:
                changes = work[p.name]
                size = -(-len(changes) // rounds)
                chunk = changes[r * size : (r + 1) * size]
                before, cpu0, t0 = cpu.snapshot(), time.process_time(), time.perf_counter()
                counted = Counter(p.counter)
                if p.name in batchers:  # what embed_async submits to, for this path's rounds
                    semantic._batchers[loop] = batchers[p.name]
                await run_chunk(searches[p.name], chunk, p.project_fn, concurrency, p.waits)
                p.times.update(Counter(p.counter) - counted)
                p.wall += time.perf_counter() - t0
                p.bench_cpu += time.process_time() - cpu0
                p.engine_cpu += cpu.since(before).get("opensearch", 0.0)
                p.records += len(chunk)
                print(f"round {r + 1} {p.name}: {len(chunk)} records, "
                      f"{p.records / p.wall:.0f} records/s so far")  # fmt: skip
        for name, calls in batchers.items():
            print(f"{name}: {calls.batches} batches, "
                  f"{calls.items / max(calls.batches, 1):.1f} passages each")  # fmt: skip
        for p in paths:
            p.engine_own = await _engine_own(client, searches[p.name].prefix)
    finally:
        for s in searches.values():
            await s.drop_all()
        await client.close()


async def _engine_own(client: Any, prefix: str) -> dict[str, float]:
    stats = await client.indices.stats(
        index=f"{prefix}-matching-*", metric="indexing,refresh,merge", expand_wildcards="all"
    )
    total = stats["_all"]["total"]
    return {
        "index": total["indexing"]["index_time_in_millis"],
        "refresh": total["refresh"]["total_time_in_millis"],
        "merge": total["merges"]["total_time_in_millis"],
    }


if __name__ == "__main__":
    app()
