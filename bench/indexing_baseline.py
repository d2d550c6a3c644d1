"""The projection as it was before the indexing work (commit 000cdbc): ``bench/indexing.py``'s
baseline, measured in the same run as the current path.

A copy on purpose: the service's modules have moved on, and the baseline must keep
doing what the old path did — jieba (pure Python) in search mode per text field, a
passage of up to 400 characters embedded one record at a time, and the 1,024 rank
features built one ``round`` at a time. The constraint fields and the standing query
are the service's own (unchanged by this work). Each part's CPU is counted in ``TIMES``.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import jieba
import numpy as np

from services.matching.ranking import projection, semantic
from services.matching.ranking.kinds import is_demand
from services.matching.ranking.query import standing_query
from services.matching.ranking.text import STOPWORDS

jieba.setLogLevel(logging.WARNING)
OLD_MAX_CHARS = 400
_TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
TIMES: Counter[str] = Counter()  # CPU seconds: segment, embed


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def _segment(text: str) -> str:
    if not text:
        return ""
    out = []
    for w in _tokenizer().cut_for_search(text):
        w = w.strip().lower()
        if not w or w in STOPWORDS or not _TOKEN_OK.search(w):
            continue
        out.append(w)
    return " ".join(out)


def _segment_all(parts: Iterable[str]) -> str:
    return " ".join(s for p in parts if p for s in [_segment(p)] if s)


def _passage(title: str, keywords: list[str], description: str) -> str:
    head = "。".join(x for x in (title, " ".join(keywords)) if x)
    return f"{head}。{description}"[:OLD_MAX_CHARS] if description else head[:OLD_MAX_CHARS]


def _features(vec: np.ndarray) -> dict[str, float]:
    off = semantic.OFFSET
    x = np.clip(np.asarray(vec, dtype=np.float64), -off * 0.96, off * 0.96)
    out: dict[str, float] = {}
    for j, v in enumerate(x.tolist()):
        out[f"p{j}"] = round(off + v, 5)
        out[f"n{j}"] = round(off - v, 5)
    return out


def to_index_doc(record: dict[str, Any]) -> dict[str, Any]:
    """The old ``projection.to_index_doc`` (embedding and standing query included)."""
    kind = record["kind"]
    attrs = record.get("attributes") or {}
    title = record.get("title") or ""
    description = record.get("description") or ""
    keywords = [str(k) for k in record.get("keywords") or []]
    started = time.thread_time()
    segs = {
        "title_seg": _segment(title),
        "description_seg": _segment(description),
        "keywords_seg": _segment_all(keywords),
    }
    TIMES["segment"] += time.thread_time() - started
    doc: dict[str, Any] = {
        "id": record["id"], "kind": kind,
        "status": record.get("status") or attrs.get("status") or projection.PUBLISHED,
        "title": title, "description": description, "keywords": keywords,
        "keywords_exact": keywords, "domains": projection._codes(record.get("domains")),
        **segs, **projection._constraint_fields(kind, attrs),
    }  # fmt: skip
    started = time.thread_time()
    vec = np.asarray(semantic.model().encode(_passage(title, keywords, description)), np.float32)
    TIMES["embed"] += time.thread_time() - started
    doc["embedding"] = semantic.encode_vector(vec)
    doc["semantic"] = _features(vec)
    if is_demand(kind):
        doc["standing_query"] = standing_query(doc)
    return doc
