"""Saved searches: a user's query with filters on one kind, run by the percolator
against every newly published record of that kind; each hit fires once."""

from __future__ import annotations

import uuid
from typing import Any

from services.matching import events
from services.matching.domain.browse import BrowseQuery, percolator_query
from services.matching.domain.errors import Forbidden, Invalid, NotFound
from services.matching.domain.suggestions import Reason, summary
from services.matching.ranking.kinds import ALL_KINDS
from services.matching.usecases import Deps
from shared.auth import Caller

Doc = dict[str, Any]
MAX_PER_USER = 50


async def save_search(deps: Deps, caller: Caller, kind: str, name: str, query: BrowseQuery) -> Doc:
    if kind not in ALL_KINDS:
        raise Invalid("kind", "unknown_kind", f"unknown record kind {kind!r}", "未知的记录类型")
    if unknown := query.unknown_filters():
        raise Invalid("filters", "unknown_filter", f"unknown filters: {', '.join(unknown)}",
                      f"未知的筛选条件：{'、'.join(unknown)}")  # fmt: skip
    if not query.q.strip() and not any(query.filters.values()) and query.trl_min is None:
        raise Invalid("q", "empty_search", "a saved search needs text or a filter",
                      "保存的搜索需要关键词或筛选条件")  # fmt: skip
    repo = deps.repos.saved_searches
    if len(await repo.of_user(caller.user_id)) >= MAX_PER_USER:
        raise Invalid("user", "too_many", f"at most {MAX_PER_USER} saved searches per user",
                      f"每位用户最多保存 {MAX_PER_USER} 个搜索")  # fmt: skip
    search_id = f"ss-{uuid.uuid4().hex[:16]}"
    doc = {
        "_id": search_id,
        "user_id": caller.user_id,
        "organisation_id": caller.organisation_id,
        "kind": kind,
        "name": name,
        "query": query.model_dump(),
        "created_at": deps.clock(),
    }
    await repo.add(doc)
    try:
        await deps.search.put_saved_search(
            search_id,
            {
                "query": percolator_query(kind, query),
                "search_id": search_id,
                "user_id": caller.user_id,
                "organisation_id": caller.organisation_id,
                "target_kind": kind,
            },
        )
    except Exception:
        await repo.remove(search_id)
        raise
    return doc


async def own_search(deps: Deps, caller: Caller, search_id: str) -> Doc:
    doc = await deps.repos.saved_searches.get(search_id)
    if doc is None:
        raise NotFound("search_id", "not_found", "no such saved search", "没有这个保存的搜索")
    if doc["user_id"] != caller.user_id:
        raise Forbidden("search_id", "not_owner", "this saved search belongs to another user",
                        "这是其他用户保存的搜索")  # fmt: skip
    return doc


async def delete_search(deps: Deps, caller: Caller, search_id: str) -> None:
    await own_search(deps, caller, search_id)
    await deps.search.delete_saved_search(search_id)
    await deps.repos.saved_searches.remove(search_id)


async def fire_saved_searches(deps: Deps, doc: Doc) -> list[str]:
    """Store one hit (with its event) per saved search admitting a newly published record."""
    percolated = {k: v for k, v in doc.items() if k != "standing_query"}
    found = await deps.search.percolate_saved(doc["kind"], percolated)
    fired = []
    for search in found:
        hit = {
            "_id": f"{search['search_id']}|{doc['id']}",
            "search_id": search["search_id"],
            "user_id": search["user_id"],
            "organisation_id": search["organisation_id"],
            "record_id": doc["id"],
            "record_kind": doc["kind"],
            "record_org_id": doc.get("owner_org_id", ""),
            "created_at": deps.clock(),
        }
        text = summary(Reason.saved_search, 0, None, [doc.get("title", "")[:40]])
        if await deps.repos.saved_searches.record_hit(
            hit, [events.saved_search_hit(hit, summary=text)]
        ):
            fired.append(hit["_id"])
    return fired
