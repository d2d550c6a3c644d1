"""The faster projection writes the same document as the old one (bench/indexing_baseline),
and bench-indexing's records are fresh: nothing cached from an earlier run serves them."""

from __future__ import annotations

import pytest

from bench import indexing, indexing_baseline
from services.matching.ranking import projection

from .records import DEMANDS, SUPPLIES

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("kind", ["tech_need", "tech_offer"])
def test_bench_records_project_to_the_old_document(kind: str) -> None:
    changes = [c for c in indexing.fresh_changes(40, seed=7, tag="t") if c.record.kind == kind]
    for change in changes:
        assert indexing.project(change) == indexing.baseline_project(change)


@pytest.mark.parametrize("record", [*SUPPLIES.values(), *DEMANDS.values()], ids=lambda r: r["kind"])
def test_every_kind_projects_to_the_old_document(record: dict) -> None:
    assert projection.to_index_doc(record) == indexing_baseline.to_index_doc(record)


def test_bench_records_are_fresh_and_distinct() -> None:
    first = indexing.fresh_changes(50, seed=1, tag="a")
    other = indexing.fresh_changes(50, seed=2, tag="b")
    passages = {projection.passage_of(c.record.as_record()) for c in first + other}
    assert len(passages) == 100, "every record embeds a text of its own"
    assert {c.record.kind for c in first} == {"tech_offer", "tech_need"}
    assert len({c.record.id for c in first + other}) == 100
