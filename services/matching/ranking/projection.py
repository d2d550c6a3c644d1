"""Projection of a marketplace record onto the document its kind's index holds.

Input is the record shape used across the services and the labelled data:
``{"id", "kind", "title", "description", "domains", "keywords", "attributes": {...}}``.
Output flattens the attributes that hard constraints need into typed top-level
fields (ranges become ``*_min``/``*_max``), adds jieba-segmented copies of the text
fields, the sentence vector (``semantic``: compact in ``embedding``, as features in
``semantic``), and, for a demand, the standing query the percolator runs against new supply.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import semantic
from .kinds import ALL_KINDS, is_demand
from .text import segment, segment_all

PUBLISHED = "published"


def _range(value: Any) -> tuple[int | None, int | None]:
    """``[min, max]`` (either end may be null) → a pair; a bare number is both ends."""
    if value is None:
        return None, None
    if isinstance(value, int | float):
        return int(value), int(value)
    lo = value[0] if len(value) > 0 else None
    hi = value[1] if len(value) > 1 else lo
    return (None if lo is None else int(lo)), (None if hi is None else int(hi))


def _codes(value: Any) -> list[str]:
    """A list of opaque codes, de-duplicated, order kept."""
    if not value:
        return []
    if isinstance(value, str):
        value = [value]
    return list(dict.fromkeys(str(v) for v in value))


def _constraint_fields(kind: str, a: dict[str, Any]) -> dict[str, Any]:
    """Typed fields the hard constraints read, by kind (absent stays absent)."""
    out: dict[str, Any] = {}
    if kind == "tech_offer":
        out["trl"] = a.get("trl")
        out["cooperation_modes"] = _codes(a.get("cooperation_modes"))
        out["ip"] = a.get("ip")
    elif kind == "product":
        out["price_min"], out["price_max"] = _range(a.get("price_band"))
        out["first_of_kind"] = a.get("first_of_kind")
    elif kind == "capability":
        out["qualifications"] = _codes(a.get("qualifications"))
        out["district"] = a.get("district")
    elif kind == "pitch":
        out["stage"] = a.get("stage")
        out["ask_cny"] = a.get("ask_cny")
        out["revenue_cny"] = a.get("revenue_cny")
    elif kind == "agency":
        out["seniority_range"] = _codes(a.get("seniority_range"))
        out["specialisms"] = _codes(a.get("specialisms"))
    elif kind == "tech_need":
        out["min_trl"] = a.get("min_trl")
        out["accepted_modes"] = _codes(a.get("cooperation_modes"))
        out["budget_min"], out["budget_max"] = _range(a.get("budget_cny"))
    elif kind == "procurement_need":
        out["budget_min"], out["budget_max"] = _range(a.get("budget_cny"))
    elif kind == "scenario":
        req = _codes(a.get("required_qualifications"))
        out["required_qualifications"] = req
        out["required_qualifications_count"] = len(req)
        out["budget_min"], out["budget_max"] = _range(a.get("budget_cny"))
        out["district"] = a.get("district")
    elif kind == "investor_mandate":
        out["stages"] = _codes(a.get("stages"))
        out["ticket_min"], out["ticket_max"] = _range(a.get("ticket_cny"))
        out["fund_type"] = a.get("fund_type")
    elif kind == "talent_demand":
        out["seniority"] = a.get("seniority")
        out["count"] = a.get("count")
    return {k: v for k, v in out.items() if v is not None and v != []}


def passage_of(record: dict[str, Any]) -> str:
    """The text ``record``'s sentence vector is computed from."""
    keywords = [str(k) for k in record.get("keywords") or []]
    return semantic.passage(record.get("title") or "", keywords, record.get("description") or "")


def to_index_doc(
    record: dict[str, Any], *, with_standing_query: bool = True, with_embedding: bool = True,
    vector: np.ndarray | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The document to index for ``record`` in its kind's index.

    Deterministic; a demand also gets ``standing_query`` (its percolator query) unless
    ``with_standing_query`` is false. The sentence vector is ``vector`` if given, else
    computed here (cached by content hash) unless ``with_embedding`` is false.
    """
    kind = record["kind"]
    if kind not in ALL_KINDS:
        raise ValueError(f"unknown record kind: {kind!r}")
    attrs = record.get("attributes") or {}
    title = record.get("title") or ""
    description = record.get("description") or ""
    keywords = [str(k) for k in record.get("keywords") or []]
    doc: dict[str, Any] = {
        "id": record["id"],
        "kind": kind,
        "status": record.get("status") or attrs.get("status") or PUBLISHED,
        "title": title,
        "description": description,
        "keywords": keywords,
        "keywords_exact": keywords,
        "domains": _codes(record.get("domains")),
        "title_seg": segment(title),
        "description_seg": segment(description),
        "keywords_seg": segment_all(keywords),
        **_constraint_fields(kind, attrs),
    }
    if vector is None and with_embedding:
        vector = semantic.embed(semantic.passage(title, keywords, description))
    if vector is not None:
        doc["embedding"] = semantic.encode_vector(vector)
        doc["semantic"] = semantic.features(vector)
    if with_standing_query and is_demand(kind):
        from .query import standing_query  # local: query builds on this module

        doc["standing_query"] = standing_query(doc)
    return doc


async def to_index_doc_async(record: dict[str, Any], **options: Any) -> dict[str, Any]:
    """``to_index_doc`` for event handlers: the same document, but a new text's vector is
    computed in one model call with those of the records other handlers project at the
    same time, in a worker thread (``semantic.embed_async``)."""
    vector = await semantic.embed_async(passage_of(record))
    return to_index_doc(record, vector=vector, **options)
