"""The semantic stage on the real OpenSearch: the engine adds exactly the weighted dot
product to the top hits, the vector stays out of ``_source`` except in compact form,
and a demand's standing vector gate admits a paraphrase that shares too few words."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import numpy as np
import pytest
from opensearchpy import OpenSearch

from services.matching.ranking import (
    DEFAULT_PARAMS,
    build_match_query,
    build_percolate_query,
    build_semantic_reverse_query,
    index_definition,
    semantic,
    standing_hits,
    to_index_doc,
)
from shared.settings import get_settings
from tests.unit.matching.records import DEMANDS, SUPPLIES

pytestmark = pytest.mark.integration

# the same need as DEMANDS["procurement_need"] (substation patrol robot) in other words
PARAPHRASE = {
    **SUPPLIES["product"],
    "id": "r1-paraphrase",
    "title": "高压站所智能巡视车",
    "description": "自主导航行走，热成像仪检测设备过热缺陷，自动读表。",
    "keywords": ["自主导航", "热成像", "读表"],
}


@pytest.fixture(scope="module")
def engine() -> Iterator[tuple[OpenSearch, str, str]]:
    client = OpenSearch(get_settings().opensearch_url, timeout=30)
    try:
        client.info()
    except Exception as exc:  # pragma: no cover - depends on the stack
        pytest.skip(f"OpenSearch not reachable: {exc}")
    prefix = f"test-sem-{uuid.uuid4().hex[:8]}"
    supply, demand = f"{prefix}-product", f"{prefix}-procurement-need"
    client.indices.create(index=supply, body=index_definition("product"))
    client.indices.create(index=demand, body=index_definition("procurement_need"))
    for rec in (SUPPLIES["product"], PARAPHRASE):
        client.index(index=supply, id=rec["id"], body=to_index_doc(rec))
    doc = to_index_doc(DEMANDS["procurement_need"])
    client.index(index=demand, id=doc["id"], body=doc)
    client.indices.refresh(index=f"{supply},{demand}")
    yield client, supply, demand
    client.indices.delete(index=f"{supply},{demand}", ignore_unavailable=True)


def _scores(client: OpenSearch, index: str, body: dict) -> dict[str, float]:
    return {h["_id"]: h["_score"] for h in client.search(index=index, body=body)["hits"]["hits"]}


def test_the_engine_adds_the_weighted_dot_product(engine) -> None:
    client, supply, _ = engine
    demand = to_index_doc(DEMANDS["procurement_need"], with_standing_query=False)
    p = DEFAULT_PARAMS
    on = _scores(client, supply, build_match_query(demand, params=p))
    off = _scores(client, supply, build_match_query(demand, params=p.but(semantic_weight=0)))
    q = semantic.vector_of(demand)
    top = np.argsort(-np.abs(q))[: p.semantic_dims]
    for rid, rec in (
        (SUPPLIES["product"]["id"], SUPPLIES["product"]),
        (PARAPHRASE["id"], PARAPHRASE),
    ):
        d = semantic.vector_of(to_index_doc(rec))
        expected = p.semantic_weight * (
            semantic.offset_of(q, dims=p.semantic_dims) + float(q[top] @ d[top])
        )
        assert on[rid] - off[rid] == pytest.approx(expected, rel=0.01)


def test_features_are_indexed_but_not_returned(engine) -> None:
    client, supply, _ = engine
    src = client.get(index=supply, id=PARAPHRASE["id"])["_source"]
    assert "semantic" not in src and len(src["embedding"]) == 1368


def _standing(client: OpenSearch, index: str, supply: dict, params=DEFAULT_PARAMS) -> set[str]:
    doc = to_index_doc(supply)
    percolated = client.search(index=index, body=build_percolate_query(doc))["hits"]["hits"]
    body = build_semantic_reverse_query(doc, params=params)
    nearest = client.search(index=index, body=body)["hits"]["hits"] if body else []
    sources = [h["_source"] for h in percolated], [h["_source"] for h in nearest]
    return {d["id"] for d in standing_hits(doc, *sources, params=params)}


def test_vector_gate_admits_a_paraphrase_the_word_gate_misses(engine) -> None:
    client, _, demand = engine
    words = _scores(client, demand, build_percolate_query(to_index_doc(PARAPHRASE)))
    assert words == {}, "the paraphrase shares too few words for the percolator"
    assert _standing(client, demand, PARAPHRASE) == {DEMANDS["procurement_need"]["id"]}
    words_only = DEFAULT_PARAMS.but(standing_sign_agreement=0)
    assert _standing(client, demand, PARAPHRASE, words_only) == set()


def test_vector_gate_keeps_unrelated_supply_out(engine) -> None:
    client, _, demand = engine
    unrelated = {
        **SUPPLIES["product"],
        "id": "cow",
        "title": "奶牛发情监测智能项圈",
        "description": "佩戴在奶牛颈部，监测活动量和反刍，提示发情与疾病。",
        "keywords": ["牧场", "奶牛", "项圈"],
    }
    assert _standing(client, demand, unrelated) == set()
