"""Browse and search any kind: full text with highlights, facets, filters, pages."""

from __future__ import annotations

from typing import Any

from services.matching.domain.browse import BrowseQuery, facets_of, search_body
from services.matching.domain.errors import Invalid
from services.matching.ranking.kinds import ALL_KINDS
from services.matching.usecases import Deps

MAX_WINDOW = 10_000


async def browse(
    deps: Deps, kind: str, query: BrowseQuery, *, limit: int, offset: int
) -> dict[str, Any]:
    if kind not in ALL_KINDS:
        raise Invalid("kind", "unknown_kind", f"unknown record kind {kind!r}", "未知的记录类型")
    if unknown := query.unknown_filters():
        raise Invalid("filters", "unknown_filter", f"unknown filters: {', '.join(unknown)}",
                      f"未知的筛选条件：{'、'.join(unknown)}")  # fmt: skip
    if query.trl_min is not None and query.trl_max is not None and query.trl_min > query.trl_max:
        raise Invalid("trl_min", "range_inverted", "trl_min must not exceed trl_max",
                      "最低成熟度不能高于最高成熟度")  # fmt: skip
    if offset + limit > MAX_WINDOW:
        raise Invalid("offset", "too_deep", f"at most {MAX_WINDOW} results can be paged through",
                      f"最多只能翻阅前 {MAX_WINDOW} 条结果")  # fmt: skip
    response = await deps.search.search(kind, search_body(kind, query, offset=offset, limit=limit))
    hits = response["hits"]
    return {
        "kind": kind,
        "total": hits["total"]["value"],
        "limit": limit,
        "offset": offset,
        "items": [
            {"record": h["_source"], "score": h.get("_score"), "highlights": h.get("highlight", {})}
            for h in hits["hits"]
        ],
        "facets": facets_of(kind, response.get("aggregations", {})),
    }
