"""The ranking core on the real OpenSearch: counterparts found, constraints exclude,
standing demands found for a new supply (percolator and vector query) with the
constraints applied."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from opensearchpy import OpenSearch, helpers

from services.matching.ranking import (
    PAIRS,
    REVERSE_PAIRS,
    build_match_query,
    build_percolate_query,
    build_reverse_query,
    build_semantic_reverse_query,
    explain,
    index_definition,
    index_name,
    standing_hits,
    to_index_doc,
)
from shared.settings import get_settings
from tests.unit.matching.records import DEMANDS, SUPPLIES, VIOLATIONS, variant

pytestmark = pytest.mark.integration

# unrelated supply of each kind, so a search has something to rank against
NOISE = {
    kind: [
        {
            **variant(SUPPLIES[kind], f"noise{i}"),
            "title": title,
            "description": title + "，面向不同行业客户提供服务。",
            "keywords": [title[:4]],
            "domains": ["agritech"],
        }
        for i, title in enumerate(
            ("奶牛智能项圈发情监测", "城市燃气管网泄漏巡查", "中药材种植溯源服务")
        )
    ]
    for kind in REVERSE_PAIRS
}


@pytest.fixture(scope="module")
def engine() -> Iterator[tuple[OpenSearch, dict[str, str]]]:
    client = OpenSearch(get_settings().opensearch_url, timeout=30)
    try:
        client.info()
    except Exception as exc:  # pragma: no cover - depends on the stack
        pytest.skip(f"OpenSearch not reachable: {exc}")
    prefix = f"test-rank-{uuid.uuid4().hex[:8]}"
    names = {k: index_name(k, prefix) for k in (*PAIRS, *REVERSE_PAIRS)}
    for kind, name in names.items():
        client.indices.create(index=name, body=index_definition(kind))
    records = [*DEMANDS.values(), *SUPPLIES.values()]
    for demand_kind, violations in VIOLATIONS.items():
        supply = SUPPLIES[PAIRS[demand_kind]]
        records += [variant(supply, f"bad-{name}", **attrs) for name, attrs in violations]
    records += [r for rs in NOISE.values() for r in rs]
    records.append({**variant(SUPPLIES["tech_offer"], "draft"), "status": "draft"})
    helpers.bulk(
        client,
        [{"_index": names[r["kind"]], "_id": r["id"], "_source": to_index_doc(r)} for r in records],
        refresh=True,
    )
    yield client, names
    for name in names.values():
        client.indices.delete(index=name, ignore_unavailable=True)


def _ids(resp: dict) -> list[str]:
    return [h["_id"] for h in resp["hits"]["hits"]]


@pytest.mark.parametrize("demand_kind", list(PAIRS))
def test_counterpart_is_ranked_first(engine, demand_kind: str) -> None:
    client, names = engine
    supply_kind = PAIRS[demand_kind]
    resp = client.search(index=names[supply_kind], body=build_match_query(DEMANDS[demand_kind]))
    ids = _ids(resp)
    assert ids[0] == SUPPLIES[supply_kind]["id"]
    assert resp["hits"]["hits"][0]["_score"] > resp["hits"]["hits"][-1]["_score"]


@pytest.mark.parametrize(
    ("demand_kind", "name"), [(k, n) for k, vs in VIOLATIONS.items() for n, _ in vs]
)
def test_each_hard_constraint_excludes(engine, demand_kind: str, name: str) -> None:
    client, names = engine
    supply_kind = PAIRS[demand_kind]
    bad_id = f"{SUPPLIES[supply_kind]['id']}-bad-{name}"
    ids = _ids(
        client.search(index=names[supply_kind], body=build_match_query(DEMANDS[demand_kind]))
    )
    assert bad_id not in ids and SUPPLIES[supply_kind]["id"] in ids
    bad = client.get(index=names[supply_kind], id=bad_id)["_source"]
    assert explain(DEMANDS[demand_kind], bad)["failed"] == [name]


def test_unpublished_supply_is_excluded(engine) -> None:
    client, names = engine
    ids = _ids(
        client.search(index=names["tech_offer"], body=build_match_query(DEMANDS["tech_need"]))
    )
    assert "o1-draft" not in ids


def test_highlights_feed_explain(engine) -> None:
    client, names = engine
    body = build_match_query(DEMANDS["procurement_need"], highlight=True)
    hit = client.search(index=names["product"], body=body)["hits"]["hits"][0]
    out = explain(DEMANDS["procurement_need"], hit["_source"], hit=hit)
    assert out["eligible"] and out["highlights"]
    assert "巡检" in "".join(t for ts in out["highlights"].values() for t in ts)


@pytest.mark.parametrize("supply_kind", list(REVERSE_PAIRS))
def test_reverse_query_finds_the_demand(engine, supply_kind: str) -> None:
    client, names = engine
    demand_kind = REVERSE_PAIRS[supply_kind]
    ids = _ids(
        client.search(index=names[demand_kind], body=build_reverse_query(SUPPLIES[supply_kind]))
    )
    assert ids == [DEMANDS[demand_kind]["id"]]


@pytest.mark.parametrize("supply_kind", list(REVERSE_PAIRS))
def test_percolator_finds_the_demand_for_a_new_supply(engine, supply_kind: str) -> None:
    client, names = engine
    demand_kind = REVERSE_PAIRS[supply_kind]
    new = variant(SUPPLIES[supply_kind], "new")
    ids = _ids(client.search(index=names[demand_kind], body=build_percolate_query(new)))
    assert ids == [DEMANDS[demand_kind]["id"]]


def _standing(client: OpenSearch, index: str, supply: dict) -> list[str]:
    """The demands whose standing interest admits ``supply``, as the service finds them."""
    doc = to_index_doc(supply)
    percolated = client.search(index=index, body=build_percolate_query(doc))["hits"]["hits"]
    body = build_semantic_reverse_query(doc)
    nearest = client.search(index=index, body=body)["hits"]["hits"] if body else []
    found = standing_hits(doc, [h["_source"] for h in percolated], [h["_source"] for h in nearest])
    return [d["id"] for d in found]


@pytest.mark.parametrize("supply_kind", list(REVERSE_PAIRS))
def test_standing_interest_finds_the_demand_for_a_new_supply(engine, supply_kind: str) -> None:
    client, names = engine
    demand_kind = REVERSE_PAIRS[supply_kind]
    new = variant(SUPPLIES[supply_kind], "new")
    assert _standing(client, names[demand_kind], new) == [DEMANDS[demand_kind]["id"]]


@pytest.mark.parametrize(
    ("demand_kind", "name", "attrs"), [(k, n, a) for k, vs in VIOLATIONS.items() for n, a in vs]
)
def test_standing_interest_applies_the_hard_constraints(
    engine, demand_kind: str, name: str, attrs
) -> None:
    client, names = engine
    new = variant(SUPPLIES[PAIRS[demand_kind]], f"new-bad-{name}", **attrs)
    assert _standing(client, names[demand_kind], new) == []
    reverse = client.search(index=names[demand_kind], body=build_reverse_query(new))
    assert _ids(reverse) == []


def test_percolator_ignores_unrelated_supply(engine) -> None:
    client, names = engine
    unrelated = NOISE["tech_offer"][0]
    assert (
        _ids(client.search(index=names["tech_need"], body=build_percolate_query(unrelated))) == []
    )
    assert _standing(client, names["tech_need"], unrelated) == []
