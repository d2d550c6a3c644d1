"""Indexing speed without changing the document: batched embeddings, numpy features."""

from __future__ import annotations

import asyncio
import uuid

import numpy as np
import pytest

from services.matching.ranking import projection, semantic

from .records import DEMANDS, SUPPLIES

pytestmark = pytest.mark.unit


def test_features_are_the_rounded_offsets_of_each_dimension() -> None:
    vec = np.random.default_rng(19).normal(0, 0.05, semantic.DIM).astype(np.float32)
    vec[3], vec[7] = 0.4, -0.4  # clipped: features stay positive
    got = semantic.features(vec)
    x = np.clip(vec.astype(np.float64), -0.24, 0.24).tolist()
    expected = {f"p{j}": round(0.25 + v, 5) for j, v in enumerate(x)}
    expected |= {f"n{j}": round(0.25 - v, 5) for j, v in enumerate(x)}
    assert got == expected
    assert min(got.values()) > 0


async def test_concurrent_new_passages_share_one_model_call(monkeypatch) -> None:
    calls: list[list[str]] = []
    real = semantic.embed_many

    def counting(texts: list[str]) -> list[np.ndarray]:
        calls.append(list(texts))
        return real(texts)

    monkeypatch.setattr(semantic, "embed_many", counting)
    texts = [f"储能电池热管理方案 {uuid.uuid4().hex}" for _ in range(6)]
    got = await asyncio.gather(*(semantic.embed_async(t) for t in texts))
    assert calls == [texts], "one batch, in the callers' order"
    for text, vec in zip(texts, got, strict=True):
        assert float(vec @ semantic.model().encode(text)) > 0.9999
    again = await semantic.embed_async(texts[0])
    assert again is got[0] and len(calls) == 1, "a cached passage needs no model call"


async def test_a_failed_batch_fails_its_callers_and_the_next_one_works(monkeypatch) -> None:
    def broken(texts: list[str]) -> list[np.ndarray]:
        raise RuntimeError("model away")

    monkeypatch.setattr(semantic, "embed_many", broken)
    with pytest.raises(RuntimeError, match="model away"):
        await semantic.embed_async(f"光伏组件缺陷检测 {uuid.uuid4().hex}")
    monkeypatch.undo()
    vec = await semantic.embed_async(f"光伏组件缺陷检测 {uuid.uuid4().hex}")
    assert vec.shape == (semantic.DIM,)


@pytest.mark.parametrize("record", [SUPPLIES["tech_offer"], DEMANDS["tech_need"]])
async def test_async_projection_is_the_same_document(record: dict) -> None:
    assert await projection.to_index_doc_async(record) == projection.to_index_doc(record)


def test_a_given_vector_is_used_as_is() -> None:
    vec = semantic.embed(projection.passage_of(SUPPLIES["tech_offer"]))
    doc = projection.to_index_doc(SUPPLIES["tech_offer"], vector=vec, with_embedding=False)
    assert doc["embedding"] == semantic.encode_vector(vec)
    assert projection.to_index_doc(SUPPLIES["tech_offer"]) == doc
