"""Held-out selection for the relevance harness: folds by query stratified by kind,
grid choices made on the training folds and scored on the held-out one.

Pure: it works on per-query scores and on sets of percolated pairs that
``bench/relevance.py`` measured on the engine.
"""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from typing import Any

PERCOLATOR_TARGET = 0.975  # recall a gate must reach on the training folds


def make_folds(queries: list[dict], n: int, seed: int) -> dict[str, int]:
    """Query id -> fold, stratified by kind (each kind dealt round-robin, shuffled)."""
    rng = random.Random(seed)
    fold: dict[str, int] = {}
    offset = 0
    for kind in sorted({q["kind"] for q in queries}):
        ids = sorted(q["id"] for q in queries if q["kind"] == kind)
        rng.shuffle(ids)
        for i, qid in enumerate(ids):
            fold[qid] = (i + offset) % n
        offset += len(ids)  # small kinds do not all start in fold 0
    return fold


def held_out(
    queries: list[dict], scores: list[dict[str, float]], folds: list[dict[str, int]]
) -> dict[str, Any]:
    """For each fold draw and fold: pick the grid point best on the other folds, score it
    on this one. Returns the pooled held-out mean, the spread of fold means, per kind,
    and how often each grid point was chosen."""
    kind_of = {q["id"]: q["kind"] for q in queries}
    fold_means: list[float] = []
    pooled: list[float] = []
    by_kind: dict[str, list[float]] = defaultdict(list)
    chosen: dict[int, int] = defaultdict(int)
    for fold in folds:
        for f in sorted(set(fold.values())):
            train = [q for q, x in fold.items() if x != f]
            test = [q for q, x in fold.items() if x == f]
            best = max(
                range(len(scores)), key=lambda i: statistics.fmean(scores[i][q] for q in train)
            )
            chosen[best] += 1
            vals = [scores[best][q] for q in test]
            fold_means.append(statistics.fmean(vals))
            pooled += vals
            for q in test:
                by_kind[kind_of[q]].append(scores[best][q])
    return {
        "mean": round(statistics.fmean(pooled), 4),
        "sd": round(statistics.pstdev(fold_means), 4),
        "per_kind": {k: round(statistics.fmean(v), 4) for k, v in sorted(by_kind.items())},
        "chosen": dict(chosen),
    }


def percolator_held_out(
    found: dict[float, set[tuple[str, str]]],
    qrels: dict,
    folds: list[dict[str, int]],
    target: float = PERCOLATOR_TARGET,
) -> dict[str, Any]:
    """Per fold: the strictest gate whose recall on the training folds' relevant pairs
    reaches ``target``; its recall and judged-irrelevant hits on the held-out
    folds' pairs (averaged over fold draws)."""
    relevant = {(q, d) for q, gs in qrels.items() for d, g in gs.items() if g > 0}
    judged_bad = {(q, d) for q, gs in qrels.items() for d, g in gs.items() if g == 0}
    recalls, bad, hits, chosen = [], [], [], defaultdict(int)
    for fold in folds:
        got_rel = got_bad = n_rel = n_hits = 0
        for f in sorted(set(fold.values())):
            train_rel = {p for p in relevant if fold.get(p[0], -1) not in (f, -1)}

            def recall(gate: float, pairs: set = train_rel) -> float:
                return len(found[gate] & pairs) / len(pairs) if pairs else 1.0

            gates = sorted(g for g in found if g)
            ok = [g for g in gates if recall(g) >= target]
            gate = max(ok) if ok else gates[0]
            chosen[gate] += 1
            test_rel = {p for p in relevant if fold.get(p[0]) == f}
            test_bad = {p for p in judged_bad if fold.get(p[0]) == f}
            got_rel += len(found[gate] & test_rel)
            n_rel += len(test_rel)
            got_bad += len(found[gate] & test_bad)
            n_hits += len({p for p in found[gate] if fold.get(p[0]) == f})
        recalls.append(got_rel / n_rel)
        bad.append(got_bad)
        hits.append(n_hits)
    return {
        "recall": round(statistics.fmean(recalls), 4),
        "judged_irrelevant_hits": round(statistics.fmean(bad)),
        "hits": round(statistics.fmean(hits)),
        "chosen": dict(chosen),
    }


def percolator_fixed(found: set[tuple[str, str]], qrels: dict) -> dict[str, Any]:
    relevant = {(q, d) for q, gs in qrels.items() for d, g in gs.items() if g > 0}
    judged_bad = {(q, d) for q, gs in qrels.items() for d, g in gs.items() if g == 0}
    return {
        "recall": round(len(found & relevant) / len(relevant), 4),
        "judged_irrelevant_hits": len(found & judged_bad),
        "hits": len(found),
    }
