"""The semantic signal (pure parts): passages, the cache, stored vectors, and the
rank_feature arithmetic that turns a dot product into a query the engine can score."""

from __future__ import annotations

import json

import numpy as np
import pytest

from services.matching.ranking import DEFAULT_PARAMS, build_match_query, semantic, to_index_doc
from services.matching.ranking.query import sign_agreement, standing_admits, standing_hits

from .records import DEMANDS, SUPPLIES

pytestmark = pytest.mark.unit


def _engine_sum(clauses: list[dict], features: dict[str, float]) -> float:
    """What OpenSearch computes for ``rank_feature`` clauses with the linear function."""
    total = 0.0
    for c in clauses:
        rf = c["rank_feature"]
        total += rf["boost"] * features[rf["field"].split(".", 1)[1]]
    return total


def test_model_loads_once_and_vectors_are_unit_length() -> None:
    assert semantic.model() is semantic.model()
    vec = semantic.embed("锂电池极片缺陷视觉检测")
    assert vec.shape == (semantic.DIM,)
    assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-3


def test_vectors_are_cached_by_content() -> None:
    text = "变电站巡检机器人采购，红外测温和表计识别"
    first = semantic.embed(text)
    assert semantic.cached(text) is not None
    assert semantic.embed(text) is first  # the same object: no second encoding
    assert semantic.cached(text + "。") is None


def test_paraphrase_is_closer_than_an_unrelated_text() -> None:
    a, b, c = semantic.embed_many(
        [
            "用人工智能识别医学影像中的肺结节",
            "AI 辅助诊断胸部 CT 肺部小结节",
            "奶牛发情监测智能项圈",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.1


def test_stored_vector_round_trips_in_float16() -> None:
    vec = semantic.embed("氢燃料电池电堆")
    back = semantic.decode_vector(semantic.encode_vector(vec))
    assert float(back @ vec) > 0.999


@pytest.mark.parametrize("dims", [semantic.DIM, 128])
def test_feature_clauses_sum_to_offset_plus_dot_product(dims: int) -> None:
    q, d = semantic.embed_many(["工业机器人视觉引导抓取", "机械臂 3D 视觉无序分拣系统"])
    clauses = semantic.similarity_clauses(q, dims=dims, weight=1.0)
    assert len(clauses) <= dims
    got = _engine_sum(clauses, semantic.features(d))
    top = np.argsort(-np.abs(q))[:dims]
    expected = semantic.offset_of(q, dims=dims) + float(q[top] @ d[top])
    assert got == pytest.approx(expected, abs=1e-3)
    assert all(v > 0 for v in semantic.features(d).values()), "rank_features must be positive"


def test_projection_stores_the_vector_compactly() -> None:
    doc = to_index_doc(SUPPLIES["tech_offer"])
    assert len(doc["semantic"]) == 2 * semantic.DIM
    assert semantic.vector_of(doc) is not None
    assert "embedding" not in to_index_doc(SUPPLIES["tech_offer"], with_embedding=False)


def test_match_query_adds_the_similarity_last_and_only_on_top_hits() -> None:
    body = build_match_query(DEMANDS["tech_need"])
    last = body["rescore"][-1]
    assert last["query"]["score_mode"] == "total"
    clauses = last["query"]["rescore_query"]["bool"]["should"]
    assert len(clauses) == DEFAULT_PARAMS.semantic_dims
    assert "rank_feature" not in json.dumps(body["query"]), "never on every hit"
    off = build_match_query(DEMANDS["tech_need"], params=DEFAULT_PARAMS.but(semantic_weight=0))
    assert "rank_feature" not in json.dumps(off)


def test_a_record_stored_without_a_vector_still_gets_one() -> None:
    doc = to_index_doc(DEMANDS["procurement_need"], with_embedding=False)
    assert "rank_feature" in json.dumps(build_match_query(doc)["rescore"])


def test_sign_agreement_is_the_share_of_the_demands_largest_dimensions() -> None:
    doc = to_index_doc(DEMANDS["scenario"], with_standing_query=False)
    assert sign_agreement(doc, doc, DEFAULT_PARAMS.standing_sign_dims) == 1.0
    flipped = {**doc, "embedding": semantic.encode_vector(-semantic.vector_of(doc))}
    assert sign_agreement(doc, flipped, DEFAULT_PARAMS.standing_sign_dims) == 0.0
    assert standing_admits(doc, doc, by_vector=True) is False, "a scenario is no capability"
    capability = to_index_doc(SUPPLIES["capability"])
    share = sign_agreement(doc, capability, DEFAULT_PARAMS.standing_sign_dims)
    gate = DEFAULT_PARAMS.standing_sign_agreement
    assert standing_admits(doc, capability, by_vector=True) is (share >= gate)
    off = DEFAULT_PARAMS.but(standing_sign_agreement=0)
    assert standing_hits(capability, [], [doc], params=off) == [], "the vector gate is off"


def sign_tokens(vec: np.ndarray, *, dims: int = semantic.DIM) -> list[str]:
    """``<j>p`` or ``<j>n`` for each of the vector's ``dims`` largest dimensions: the
    sign-token view of the vector gate (the reference it is checked against)."""
    q = np.asarray(vec, dtype=np.float64)
    top = np.argsort(-np.abs(q), kind="stable")[:dims]
    return [f"{j}{'p' if q[j] >= 0 else 'n'}" for j in sorted(top.tolist())]


def test_sign_agreement_is_the_share_of_the_demands_sign_tokens_the_supply_has() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        d, s = rng.standard_normal(512), rng.standard_normal(512)
        docs = ({"embedding": semantic.encode_vector(v)} for v in (d, s))
        demand, supply = next(docs), next(docs)
        dv, sv = semantic.vector_of(demand), semantic.vector_of(supply)
        wanted = sign_tokens(dv, dims=128)
        tokens = len(set(wanted) & set(sign_tokens(sv))) / len(wanted)
        assert sign_agreement(demand, supply, 128) == pytest.approx(tokens)
