"""The supply index ``bench/matching.py`` times queries on: built once, then reused.

Projecting, embedding and indexing 100,000 documents takes far longer on 2 shared
cores than timing 300 queries, and the two want opposite conditions (the build may
run under load, the timing must not). So the index has a deterministic name,
``bench-matching-<seed>-<docs>-<hash>``, the hash covering everything that decides
its content: the service's mapping (``index_definition``), the model and the vector
arithmetic, the vector mode (every document embedded, or a pool) and ``GENERATION``
(bump it when the synthetic records or the projection change). An index of that name
whose ``_meta`` says the build completed, holding exactly ``docs`` documents, is
reused as it is; ``--rebuild`` forces a new build.

The build: vectors first (saved in ``.cache/bench-matching/`` by chunks of 10,000,
embedded with the model's batch API), then blocks of ``BLOCK`` records projected by
``to_index_doc`` in worker processes (jieba and the feature dict are the CPU cost) and
bulk-sent, each block noted in a progress file so an interrupted build resumes; then a
refresh and a force-merge to one segment. Build figures go into the index's ``_meta``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import multiprocessing.pool
import os
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from opensearchpy import OpenSearch

from bench.matching_data import offers
from services.matching.ranking import index_definition, semantic, to_index_doc
from services.matching.ranking.text import _tokenizer

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench-matching"
PREFIX = "bench-matching-"
#: bump when the synthetic records or the projection change (a new index name)
GENERATION = 1
BLOCK = 500  # records per bulk request (~10 MB: each holds 1,024 features)
CHUNK = 10_000  # records per saved vector file (the names of the existing cache)


def index_name(seed: int, docs: int, pool: int) -> str:
    spec = {
        "mapping": index_definition("tech_offer"),
        "model": semantic.MODEL_NAME,
        "dim": semantic.DIM,
        "offset": semantic.OFFSET,
        "max_chars": semantic.MAX_CHARS,
        "vectors": f"pool of {pool}" if pool else "every document embedded",
        "generation": GENERATION,
    }
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:10]
    return f"{PREFIX}{seed}-{docs}-{digest}"


def meta_of(client: OpenSearch, index: str) -> dict[str, Any] | None:
    """The build's ``_meta`` of a complete bench index, else None."""
    if not client.indices.exists(index=index):
        return None
    mapping = client.indices.get_mapping(index=index)
    meta = next(iter(mapping.values()))["mappings"].get("_meta") or {}
    done = meta.get("bench_matching") or {}
    return done if done.get("complete") else None


def built(client: OpenSearch, index: str, docs: int) -> dict[str, Any] | None:
    """The build's ``_meta`` when ``index`` is complete with ``docs`` documents, else None."""
    done = meta_of(client, index)
    if done is None or client.count(index=index)["count"] != docs:
        return None
    return done


def size_mb(client: OpenSearch, index: str) -> float:
    rows = client.cat.indices(index=index, bytes="b", h="store.size", format="json")
    return round(int(rows[0]["store.size"]) / 2**20, 1)


def _passage(rec: dict) -> str:
    return semantic.passage(rec["title"], rec["keywords"], rec["description"])


def _embed_block(texts: list[str]) -> tuple[np.ndarray, float]:
    t = time.perf_counter()
    vectors = semantic.model().encode(texts)  # one batched call
    return np.asarray(vectors).astype(np.float16), time.perf_counter() - t


def vectors(records: list[dict], seed: int, fresh: bool, pool: int, workers: mp.pool.Pool):
    """Every record's vector (float16, as saved), and passages/s of this run's embedding
    (per worker process; None when all came from the cache). With ``pool`` only the first
    ``pool`` records are embedded and record ``i`` gets the vector of ``i % pool``."""
    texts = [_passage(r) for r in records[: pool or len(records)]]
    CACHE.mkdir(parents=True, exist_ok=True)
    out: list[np.ndarray] = []
    done, seconds = 0, 0.0
    for start in range(0, len(texts), CHUNK):
        chunk = texts[start : start + CHUNK]
        path = CACHE / f"offers-{seed}-{start}-{len(chunk)}.npy"
        if path.exists() and not fresh:
            out.append(np.load(path))
            continue
        blocks = [chunk[i : i + BLOCK] for i in range(0, len(chunk), BLOCK)]
        got = workers.map(_embed_block, blocks, chunksize=1)
        arr = np.concatenate([v for v, _ in got])
        np.save(path, arr)
        out.append(arr)
        done += len(chunk)
        seconds += sum(s for _, s in got)
        print(f"embedded {start + len(chunk)}/{len(texts)} ({done / seconds:.0f}/s per process)")
    every = np.concatenate(out)
    if pool:
        every = every[np.arange(len(records)) % len(every)]
    return every, (done / seconds if done else None)


def _project_block(job: tuple[int, list[dict], np.ndarray]) -> tuple[int, bytes]:
    """Bulk lines of one block: the service's projection of each record, its vector
    taken from the saved ones (put in the model's cache first, so nothing is embedded)."""
    start, records, vecs = job
    lines = []
    for rec, vec in zip(records, vecs, strict=True):
        semantic.remember(_passage(rec), vec.astype(np.float32))
        lines.append(json.dumps({"index": {"_id": rec["id"]}}))
        lines.append(json.dumps(to_index_doc(rec), ensure_ascii=False))
    return start, ("\n".join(lines) + "\n").encode("utf-8")


def _ahead(workers: mp.pool.Pool, jobs: list, depth: int) -> Iterator[tuple[int, bytes]]:
    """Projected blocks in order, the workers kept at most ``depth`` blocks ahead of the
    bulk requests (``imap`` would queue every block's ~10 MB if the engine fell behind)."""
    pending: deque[Any] = deque()
    todo = iter(jobs)
    for job in todo:
        pending.append(workers.apply_async(_project_block, (job,)))
        if len(pending) >= depth:
            break
    while pending:
        yield pending.popleft().get()
        job = next(todo, None)
        if job is not None:
            pending.append(workers.apply_async(_project_block, (job,)))


def _progress(index: str) -> Path:
    return CACHE / f"{index}.progress"


def _start(client: OpenSearch, index: str, rebuild: bool) -> set[int]:
    """Create the index (or resume a build cut short); the blocks already sent."""
    progress = _progress(index)
    if client.indices.exists(index=index) and not rebuild and progress.exists():
        return {int(x) for x in progress.read_text().split()}
    client.indices.delete(index=index, ignore_unavailable=True)
    body = index_definition("tech_offer")
    body["settings"]["index"]["refresh_interval"] = "-1"
    client.indices.create(index=index, body=body)
    progress.write_text("")
    return set()


def build(client: OpenSearch, *, seed: int, docs: int, pool: int, fresh: bool,
          rebuild: bool, processes: int) -> dict[str, Any]:  # fmt: skip
    """Build ``index_name(seed, docs, pool)``; returns the ``_meta`` it records."""
    index = index_name(seed, docs, pool)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    _tokenizer()  # jieba's dictionary and the model load once, before the workers fork
    semantic.model()
    records = offers(docs, seed)
    with mp.get_context("fork").Pool(processes) as workers:
        vecs, embed_rate = vectors(records, seed, fresh, pool, workers)
        embed_s = time.perf_counter() - t0
        sent = _start(client, index, rebuild)
        jobs = [
            (s, records[s : s + BLOCK], vecs[s : s + BLOCK])
            for s in range(0, docs, BLOCK)
            if s not in sent
        ]
        t1 = time.perf_counter()
        with _progress(index).open("a") as progress:
            for n, (start, body) in enumerate(_ahead(workers, jobs, processes * 2)):
                resp = client.bulk(body=body, index=index, request_timeout=600)
                if resp["errors"]:
                    bad = next(i for i in resp["items"] if i["index"].get("error"))
                    raise RuntimeError(f"bulk failed: {bad}")
                progress.write(f"{start}\n")
                progress.flush()
                if n % 20 == 19:
                    print(f"indexed {start + BLOCK}/{docs}", flush=True)
    client.indices.put_settings(index=index, body={"index": {"refresh_interval": "1s"}})
    client.indices.refresh(index=index, request_timeout=600)
    client.indices.forcemerge(index=index, max_num_segments=1, request_timeout=3600)
    index_s = time.perf_counter() - t1
    count = client.count(index=index)["count"]
    if count != docs:
        raise RuntimeError(f"{index} holds {count} documents, not {docs}")
    meta = {
        "complete": True,
        "docs": count,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "vectors": f"pool of {pool}" if pool else "every document embedded",
        "embed_passages_per_s": None if embed_rate is None else round(embed_rate),
        "vectors_s": round(embed_s, 1),
        "index_docs_per_s": round((docs - len(sent) * BLOCK) / index_s),
        "index_s": round(index_s, 1),
        "processes": processes,
        "load_avg_1m_at_start": round(load, 1),
        "load_avg_1m_at_end": round(os.getloadavg()[0], 1),
    }
    client.indices.put_mapping(index=index, body={"_meta": {"bench_matching": meta}})
    _progress(index).unlink(missing_ok=True)
    _drop_stale(client, index, seed, docs)
    return meta


def _drop_stale(client: OpenSearch, keep: str, seed: int, docs: int) -> None:
    """Indices of this bench for the same seed and size but an older hash are dead
    weight (hundreds of MB each): only this bench writes the ``bench-matching-`` prefix."""
    stale = [
        i for i in client.indices.get(index=f"{PREFIX}{seed}-{docs}-*") if i != keep
    ]  # fmt: skip
    for index in stale:
        print(f"deleting the stale bench index {index}")
        client.indices.delete(index=index, ignore_unavailable=True)
