"""Latency benchmark of the matching query on a large supply index.

Times, one at a time, exactly the body the service sends for a projected
``tech_need`` demand: ``match_body`` (size ``ranked_depth``, highlighting, the
service's ``_source``, the rescorers with the semantic stage), against an index of
``--docs`` synthetic ``tech_offer`` records projected by the service's
``to_index_doc`` (jieba words, the sentence vector as 1,024 rank features).

    uv run python bench/matching.py --build-only     # may run under load (nice it)
    uv run python bench/matching.py                  # the measurement: run it quietly

The index is built once and reused (``bench/matching_index.py``: a name from seed,
size and a hash of the mapping and model; ``--rebuild`` forces a new build). Without
``--build-only`` a missing index is built first, then timed. ``--set key=value``
times the body with a ``RankingParams`` knob changed (a lever under study, not the
service's body: the JSON says so). The last line printed is one JSON object: docs,
p50_ms, p99_ms (body build + client round trip), the same body without the semantic
stage timed interleaved, server-side percentiles, the build's figures (from the
index's ``_meta``), the index size and the load average around the timed run.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import typer
from opensearchpy import OpenSearch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.matching_data import need  # noqa: E402
from bench.matching_index import build, built, index_name, meta_of, size_mb  # noqa: E402
from services.matching.ranking import (  # noqa: E402
    DEFAULT_PARAMS,
    RankingParams,
    build_match_query,
    semantic,
    to_index_doc,
)
from services.matching.settings import MatchingSettings  # noqa: E402
from services.matching.usecases.pairing import FULL_SOURCE, match_body  # noqa: E402

WARMUP = 30

app = typer.Typer(add_completion=False)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def _overrides(pairs: list[str]) -> dict[str, Any]:
    """``key=value`` knobs of ``RankingParams``, typed like their defaults."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        default = getattr(DEFAULT_PARAMS, key)  # AttributeError names an unknown knob
        out[key] = type(default)(raw) if not isinstance(default, bool) else raw == "true"
    return out


def timed_run(
    client: OpenSearch, index: str, *, queries: int, seed: int, params: RankingParams | None
) -> dict[str, Any]:
    """Time the service's body (or, with ``params``, the body with a knob changed)
    and, interleaved, the same body without the semantic stage."""
    depth = MatchingSettings().ranked_depth
    rng = random.Random(seed + 1)
    # demands are projected first, as the service projects a record before ranking it
    # (their passages embedded in one batch first: the projection then finds them cached)
    records = [need(i, rng) for i in range(queries + WARMUP)]
    semantic.embed_many(
        [semantic.passage(r["title"], r["keywords"], r["description"]) for r in records]
    )
    demands = [to_index_doc(r) for r in records]
    lexical = (params or DEFAULT_PARAMS).but(semantic_weight=0)
    wall: list[float] = []
    took: list[float] = []
    wall_lex: list[float] = []
    load = os.getloadavg()[0]
    for i, demand in enumerate(demands):
        t = time.perf_counter()
        if params is None:
            q = match_body(demand, depth)
        else:
            q = build_match_query(demand, size=depth, params=params, highlight=True)
            q["_source"] = FULL_SOURCE
        resp = client.search(index=index, body=q)
        if i >= WARMUP:
            wall.append((time.perf_counter() - t) * 1000)
            took.append(float(resp["took"]))
        t = time.perf_counter()
        body = build_match_query(demand, size=depth, params=lexical, highlight=True)
        body["_source"] = FULL_SOURCE
        client.search(index=index, body=body)
        if i >= WARMUP:
            wall_lex.append((time.perf_counter() - t) * 1000)
    return {
        "queries": len(wall),
        "p50_ms": round(pct(wall, 0.50), 2),
        "p99_ms": round(pct(wall, 0.99), 2),
        "mean_ms": round(statistics.fmean(wall), 2),
        "without_semantic_p50_ms": round(pct(wall_lex, 0.50), 2),
        "without_semantic_p99_ms": round(pct(wall_lex, 0.99), 2),
        "server_p50_ms": pct(took, 0.50),
        "server_p99_ms": pct(took, 0.99),
        "size": depth,
        "semantic_stage": any("rank_feature" in json.dumps(r) for r in q.get("rescore", [])),
        "load_avg_1m": [round(load, 1), round(os.getloadavg()[0], 1)],
    }


@app.command()
def main(
    docs: int = typer.Option(100_000, help="synthetic supply documents in the index"),
    queries: int = typer.Option(300, help="timed match queries (after a warm-up of 30)"),
    url: str = typer.Option("http://127.0.0.1:9200", envvar="DUIJIE_OPENSEARCH_URL"),
    seed: int = typer.Option(7),
    build_only: bool = typer.Option(False, help="build (or find) the index, time nothing"),
    rebuild: bool = typer.Option(False, help="build the index again even if it is complete"),
    fresh_vectors: bool = typer.Option(False, help="recompute the saved document vectors"),
    vector_pool: int = typer.Option(
        0, help="embed only this many documents and reuse their vectors (0: embed every one)"
    ),
    processes: int = typer.Option(2, help="worker processes projecting and embedding"),
    set_: list[str] = typer.Option(
        [], "--set", help="time the body with a RankingParams knob changed: key=value"
    ),
    existing: str = typer.Option(
        "", "--index", help="time this complete bench index as it is (not built or checked)"
    ),
) -> None:
    client = OpenSearch(url, timeout=120)
    index = existing or index_name(seed, docs, vector_pool)
    meta = None if rebuild or existing else built(client, index, docs)
    if existing:
        meta = meta_of(client, existing)
        if meta is None:
            raise typer.BadParameter(f"{existing}: not a complete bench index", param_hint="index")
    if meta is None:
        print(f"building {index}", flush=True)
        meta = build(client, seed=seed, docs=docs, pool=vector_pool, fresh=fresh_vectors,
                     rebuild=rebuild, processes=processes)  # fmt: skip
        reused = False
    else:
        print(f"reusing {index} (built {meta['built_at']})", flush=True)
        reused = True
    result: dict[str, Any] = {"docs": meta["docs"], "index": index, "reused_index": reused}
    if not build_only:
        t0 = time.perf_counter()
        semantic.model()
        load_s = time.perf_counter() - t0
        changes = _overrides(set_)
        params = DEFAULT_PARAMS.but(**changes) if changes else None
        result |= timed_run(client, index, queries=queries, seed=seed, params=params)
        result["model_load_s"] = round(load_s, 2)
        result["body"] = "service" if params is None else f"service with {changes}"
    result |= {
        "index_mb": size_mb(client, index),
        "index_docs_per_s": meta["index_docs_per_s"],
        "embed_passages_per_s": meta["embed_passages_per_s"],
        "vectors": meta["vectors"],
        "built_at": meta["built_at"],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    app()
