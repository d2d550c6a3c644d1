"""The relevance harness's held-out protocol (bench/heldout.py): folds by query,
stratified by kind, and every choice made without the fold it is scored on."""

from __future__ import annotations

import pytest

from bench.heldout import held_out, make_folds, percolator_held_out

pytestmark = pytest.mark.unit

QUERIES = [{"id": f"{k}-{i}", "kind": k} for k in ("a", "b") for i in range(10)] + [
    {"id": f"c-{i}", "kind": "c"} for i in range(3)
]


def test_folds_partition_queries_and_spread_every_kind() -> None:
    folds = make_folds(QUERIES, 5, seed=0)
    assert set(folds) == {q["id"] for q in QUERIES}
    for kind in ("a", "b"):
        per_fold = [
            sum(1 for q, f in folds.items() if q.startswith(kind) and f == x) for x in range(5)
        ]
        assert per_fold == [2, 2, 2, 2, 2]
    assert make_folds(QUERIES, 5, seed=0) == folds
    assert make_folds(QUERIES, 5, seed=1) != folds


def test_a_choice_that_only_wins_on_the_test_fold_is_never_credited() -> None:
    folds = {q["id"]: i % 2 for i, q in enumerate(QUERIES)}
    # grid point 1 is perfect on fold 0 and useless on fold 1; point 0 is steady
    steady = {q["id"]: 0.8 for q in QUERIES}
    spiky = {q: (1.0 if f == 0 else 0.0) for q, f in folds.items()}
    out = held_out(QUERIES, [steady, spiky], [folds])
    # fold 0 is chosen on fold 1 (steady wins there) and fold 1 on fold 0 (spiky wins)
    assert out["chosen"] == {0: 1, 1: 1}
    assert out["mean"] < 0.8


def test_percolator_gate_is_the_strictest_reaching_the_target_on_training_folds() -> None:
    qrels = {"q1": {"d1": 2, "d2": 0}, "q2": {"d3": 1, "d4": 0}}
    folds = {"q1": 0, "q2": 1}
    found = {
        0.6: {("q1", "d1"), ("q2", "d3"), ("q1", "d2"), ("q2", "d4")},
        0.8: {("q1", "d1"), ("q2", "d3")},
    }
    out = percolator_held_out(found, qrels, [folds])
    assert out["chosen"] == {0.8: 2} and out["recall"] == 1.0
    assert out["judged_irrelevant_hits"] == 0
