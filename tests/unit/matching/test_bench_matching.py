"""bench-matching's reuse key and lever parsing (bench/matching_index.py, bench/matching.py):
the index name is stable for the same content and changes with anything that decides it."""

from __future__ import annotations

import pytest

import bench.matching_index as mi
from bench.matching import _overrides
from bench.matching_data import offers

pytestmark = pytest.mark.unit


def test_the_index_name_is_deterministic_and_keyed_by_content(monkeypatch) -> None:
    name = mi.index_name(7, 100_000, 10_000)
    assert name == mi.index_name(7, 100_000, 10_000)
    assert name.startswith("bench-matching-7-100000-")
    assert mi.index_name(7, 100_000, 0) != name  # every vector embedded is another index
    monkeypatch.setattr(mi, "GENERATION", mi.GENERATION + 1)
    assert mi.index_name(7, 100_000, 10_000) != name


def test_a_smaller_run_is_a_prefix_of_a_larger_one() -> None:
    """So the saved vectors of the first 10,000 serve a 100,000 build."""
    assert offers(50, seed=7)[:20] == offers(20, seed=7)


def test_levers_are_typed_like_their_defaults() -> None:
    assert _overrides(["semantic_dims=64", "semantic_weight=128", "filters=false"]) == {
        "semantic_dims": 64,
        "semantic_weight": 128.0,
        "filters": False,
    }
    with pytest.raises(AttributeError):
        _overrides(["no_such_knob=1"])
