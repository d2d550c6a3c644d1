"""Rank counterparts and store the pairs: a demand's supply, and the demands a supply answers.

For a demand, one query on the supply index ranks its counterparts. For a supply,
candidate demands come from the reverse query and the percolator (standing
interests), plus demands that already ranked this supply; each candidate is then
re-ranked with its own match query (one ``msearch``), so every stored rank is a
position in that demand's own results. Each pair is one document, written only
when its rank, score or explanation changed, with its suggestion in the same write.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from services.matching import events
from services.matching.domain.suggestions import Reason, decide, relevant_enough, summary
from services.matching.ranking import (
    PAIRS,
    REVERSE_PAIRS,
    build_match_query,
    build_percolate_query,
    build_reverse_query,
    explain,
)
from services.matching.ranking.explain import text_overlap
from services.matching.sources import MARKETS
from services.matching.storage.matches import merge_push, pair_id
from services.matching.usecases import Deps

Doc = dict[str, Any]
FULL_SOURCE = {"excludes": ["keywords_exact", "standing_query"]}
MAX_RETRIES = 5


@dataclass
class RankingResult:
    """What one ranking pass did (for logs, metrics and tests)."""

    demands: int = 0
    pairs: int = 0
    written: int = 0
    suggested: list[str] = field(default_factory=list)

    def add(self, other: RankingResult) -> None:
        self.demands += other.demands
        self.pairs += other.pairs
        self.written += other.written
        self.suggested += other.suggested


def stored_explanation(demand: Doc, supply: Doc, hit: Doc) -> Doc:
    """The parts of ``ranking.explain`` kept with a pair: constraints and what matched."""
    full = explain(demand, supply, hit)
    text = full["text"]
    return {
        "eligible": full["eligible"],
        "constraints": full["constraints"],
        "failed": full["failed"],
        "highlights": full.get("highlights", {}),
        "matched_terms": text["matched_terms"][:40],
        "shared_keywords": text["shared_keywords"],
        "shared_domains": text["shared_domains"],
    }


def shared_terms(demand: Doc, supply: Doc) -> list[str]:
    return text_overlap(demand, supply)["matched_terms"]


def match_body(demand: Doc, size: int) -> Doc:
    body = build_match_query(demand, size=size, highlight=True)
    body["_source"] = FULL_SOURCE
    return body


def _close(before: float | None, now: float, tolerance: float) -> bool:
    """Scores within ``tolerance`` (relative) are the same pair state: every new document
    shifts BM25 statistics a little, and rewriting every pair for that is the "small
    update" the suggestion rule must ignore."""
    if before is None:
        return False
    return abs(before - now) <= tolerance * max(abs(before), abs(now), 1e-9)


def _plan(
    deps: Deps, demand: Doc, rank: int, hit: Doc, prev: Doc | None, token: str
) -> tuple[str, Doc | None, Doc | None, list[Any]]:
    """Decide one pair: (id, new doc or None, update or None, envelopes)."""
    supply = hit["_source"]
    mid = pair_id(demand["id"], supply["id"])
    explanation = stored_explanation(demand, supply, hit)
    score = float(hit.get("_score") or 0.0)
    unchanged = (
        prev is not None
        and prev.get("active")
        and prev.get("rank") == rank
        and _close(prev.get("score"), score, deps.policy.score_tolerance)
        and prev.get("explanation") == explanation
        and prev.get("supply_org_id") == supply.get("owner_org_id", "")
    )
    if unchanged:
        return mid, None, None, []
    now = deps.clock()
    fields: Doc = {
        "demand_id": demand["id"],
        "demand_kind": demand["kind"],
        "demand_org_id": demand.get("owner_org_id", ""),
        "supply_id": supply["id"],
        "supply_kind": supply["kind"],
        "supply_org_id": supply.get("owner_org_id", ""),
        "market": MARKETS[demand["kind"]],
        "score": score,
        "rank": rank,
        "explanation": explanation,
        "active": True,
        "updated_at": now,
        "written_by": token,
    }
    version = (prev["version"] if prev else 0) + 1
    suggested_rank = prev.get("suggested_rank") if prev else None
    reason = decide(
        deps.policy,
        rank=rank,
        suggested_rank=suggested_rank,
        dismissed=bool(prev and prev.get("dismissed")),
    )
    envelopes: list[Any] = []
    entry = None
    if reason is not None:
        previous = suggested_rank if reason is Reason.rose else None
        fields |= {"suggested_rank": rank, "last_suggested_at": now}
        text = summary(reason, rank, previous, explanation["matched_terms"])
        envelopes.append(
            events.pair_suggested(
                {"_id": mid, **fields}, reason=reason, previous_rank=previous,
                summary=text, version=version,
            )
        )  # fmt: skip
        entry = {"action": "suggested", "at": now, "rank": rank, "reason": reason.value}
    if prev is None:
        doc = {
            "_id": mid,
            **fields,
            "version": 1,
            "created_at": now,
            "suggested_rank": fields.get("suggested_rank"),
            "feedback": None,
            "dismissed": False,
            "history": [entry] if entry else [],
        }
        return mid, doc, None, envelopes
    update: Doc = {"$set": {**fields, "version": version}}
    if entry:
        update["$push"] = {"history": entry}
    return mid, None, merge_push(update, envelopes), envelopes


async def store_ranking(deps: Deps, demand: Doc, hits: list[Doc]) -> RankingResult:
    """Write ``demand``'s ranked pairs; pairs that left the ranking lose their rank."""
    async with deps.locks(demand["id"]):
        return await _store_ranking(deps, demand, hits)


async def _store_ranking(deps: Deps, demand: Doc, hits: list[Doc]) -> RankingResult:
    repo = deps.repos.matches
    hits = [h for h in hits if relevant_enough(deps.policy, shared_terms(demand, h["_source"]))]
    result = RankingResult(demands=1, pairs=len(hits))
    ranked = list(enumerate(hits, start=1))
    ids = [pair_id(demand["id"], h["_source"]["id"]) for h in hits]
    pending = dict(zip(ids, ranked, strict=True))
    for _attempt in range(MAX_RETRIES):
        token = uuid.uuid4().hex
        existing = await repo.load(pending)
        inserts, updates = [], []
        for mid, (rank, hit) in pending.items():
            prev = existing.get(mid)
            _, doc, update, envs = _plan(deps, demand, rank, hit, prev, token)
            if doc is not None:
                inserts.append((doc, envs))
            elif update is not None and prev is not None:
                updates.append((mid, prev["version"], update))
            else:
                continue
            if envs:
                result.suggested.append(mid)
        lost = await repo.write_batch(inserts, updates, token)
        result.written += len(inserts) + len(updates) - len(lost)
        result.suggested = [m for m in result.suggested if m not in lost]
        if not lost:
            break
        pending = {mid: pending[mid] for mid in lost}
    else:
        raise RuntimeError(f"pairs of {demand['id']} kept changing under us: {list(pending)}")
    await repo.drop_from_ranking(demand["id"], keep=ids, now=deps.clock())
    if result.suggested:
        deps.wake_outbox()
    return result


async def rank_demand(deps: Deps, demand: Doc) -> RankingResult:
    """Rank the supply that answers ``demand`` (a projected document) and store the pairs."""
    body = match_body(demand, deps.settings.ranked_depth)
    response = await deps.search.search(PAIRS[demand["kind"]], body)
    return await store_ranking(deps, demand, response["hits"]["hits"])


async def rerank_demands(deps: Deps, demands: list[Doc]) -> RankingResult:
    """Re-rank several demands of one kind: one ``msearch``, then their writes in parallel."""
    total = RankingResult()
    if not demands:
        return total
    supply_kind = PAIRS[demands[0]["kind"]]
    depth = deps.settings.ranked_depth
    responses = await deps.search.msearch([(supply_kind, match_body(d, depth)) for d in demands])
    results = await asyncio.gather(
        *(
            store_ranking(deps, d, r["hits"]["hits"])
            for d, r in zip(demands, responses, strict=True)
        )
    )
    for r in results:
        total.add(r)
    return total


async def candidate_demands(deps: Deps, supply: Doc, *, earlier: bool = True) -> list[Doc]:
    """Demands ``supply`` may answer: reverse query, percolator, and (``earlier``) those
    that ranked it before — none can have when it is just published, as withdrawal takes
    a record out of every ranking, so that lookup (a scan on FerretDB) is skipped then."""
    demand_kind = REVERSE_PAIRS[supply["kind"]]
    n = deps.settings.candidate_demands
    reverse = build_reverse_query(supply, size=n)
    percolate = build_percolate_query(supply, size=n)
    reverse["_source"] = percolate["_source"] = FULL_SOURCE
    responses = await deps.search.msearch([(demand_kind, reverse), (demand_kind, percolate)])
    found: dict[str, Doc] = {}
    for response in responses:
        for hit in response["hits"]["hits"]:
            found.setdefault(hit["_id"], hit["_source"])
    before = await deps.repos.matches.ranked_demands_of(supply["id"]) if earlier else []
    for demand_id in [i for i in before if i not in found]:
        doc = await deps.search.get(demand_kind, demand_id)
        if doc is not None and doc.get("status") == "published":
            found[demand_id] = doc
    return list(found.values())


async def match_supply(deps: Deps, supply: Doc, *, published: bool = False) -> RankingResult:
    """Find the demands ``supply`` answers and re-rank each of them."""
    candidates = await candidate_demands(deps, supply, earlier=not published)
    return await rerank_demands(deps, candidates)


async def withdraw(deps: Deps, kind: str, record_id: str) -> RankingResult:
    """A withdrawn record leaves every result; demands that ranked a withdrawn supply move up."""
    now = deps.clock()
    if kind in PAIRS:
        await deps.repos.matches.deactivate("demand_id", record_id, now)
        return RankingResult()
    demand_ids = await deps.repos.matches.deactivate("supply_id", record_id, now)
    demand_kind = REVERSE_PAIRS[kind]
    demands = [await deps.search.get(demand_kind, i) for i in demand_ids]
    live = [d for d in demands if d is not None and d.get("status") == "published"]
    return await rerank_demands(deps, live)
