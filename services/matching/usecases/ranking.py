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
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from services.matching import events
from services.matching.domain.suggestions import (
    Reason,
    SuggestionPolicy,
    decide,
    relevant_enough,
    summary,
)
from services.matching.ranking import (
    PAIRS,
    REVERSE_PAIRS,
    build_match_query,
    build_percolate_query,
    build_reverse_query,
    explain,
    semantic,
)
from services.matching.ranking.explain import text_overlap
from services.matching.sources import MARKETS
from services.matching.storage.matches import (
    Conflict,
    PairState,
    Ranking,
    explanation_digest,
    pair_id,
)
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


def relevant(policy: SuggestionPolicy, demand: Doc, supply: Doc) -> bool:
    """The suggestion floor on two projected documents: enough shared words, or (only
    then computed) sentence vectors similar enough: a paraphrase shares few words."""
    terms = shared_terms(demand, supply)
    if relevant_enough(policy, terms):
        return True
    if policy.min_similarity is None:  # the floor is off (the default): no cosine to take
        return False
    return relevant_enough(policy, terms, semantic.similarity(demand, supply))


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


class Planned(NamedTuple):
    """One ranked hit, decided: its pair id, rank, hit, explanation and score."""

    mid: str
    rank: int
    hit: Doc
    explanation: Doc
    digest: str
    score: float

    @property
    def supply_org_id(self) -> str:
        return str(self.hit["_source"].get("owner_org_id", ""))

    def state(self) -> PairState:
        return PairState(self.rank, self.score, self.digest, self.supply_org_id)


def planned(demand: Doc, ranked: list[Doc]) -> list[Planned]:
    out = []
    for rank, hit in enumerate(ranked, start=1):
        supply = hit["_source"]
        explanation = stored_explanation(demand, supply, hit)
        out.append(
            Planned(
                pair_id(demand["id"], supply["id"]), rank, hit, explanation,
                explanation_digest(explanation), float(hit.get("_score") or 0.0),
            )
        )  # fmt: skip
    return out


def _same_state(deps: Deps, stored: PairState | None, p: Planned) -> bool:
    """Whether a pair whose stored state is ``stored`` needs no write for ``p``."""
    return (
        stored is not None
        and stored.rank == p.rank
        and _close(stored.score, p.score, deps.policy.score_tolerance)
        and stored.digest == p.digest
        and stored.supply_org_id == p.supply_org_id
    )


def _plan(deps: Deps, demand: Doc, p: Planned, prev: Doc | None) -> tuple[Doc | None, list[Any]]:
    """Decide one pair: its new state (None: the stored one stands) and its events."""
    supply = p.hit["_source"]
    mid, rank, explanation, score = p.mid, p.rank, p.explanation, p.score
    unchanged = (
        prev is not None
        and prev.get("active")
        and prev.get("rank") == rank
        and _close(prev.get("score"), score, deps.policy.score_tolerance)
        and prev.get("explanation") == explanation
        and prev.get("supply_org_id") == supply.get("owner_org_id", "")
    )
    if unchanged:
        return None, []
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
    history = list(prev.get("history") or []) if prev else []
    if reason is not None:
        previous = suggested_rank if reason is Reason.rose else None
        fields |= {"suggested_rank": rank, "last_suggested_at": now}
        text = summary(reason, rank, previous, explanation["matched_terms"])
        # both sides hear of the pair, each unless it said "not interested" for itself
        sides = ["demand"]
        if fields["supply_org_id"] and not (prev and prev.get("supply_dismissed")):
            sides.append("supply")
        envelopes += [
            events.pair_suggested(
                {"_id": mid, **fields}, reason=reason, previous_rank=previous,
                summary=text, version=version, side=side,
            )
            for side in sides
        ]  # fmt: skip
        history.append({"action": "suggested", "at": now, "rank": rank, "reason": reason.value})
    if prev is None:
        start: Doc = {
            "created_at": now,
            "suggested_rank": None,
            "feedback": None,
            "dismissed": False,
        }
        return {**start, **fields, "history": history}, envelopes
    base = {k: v for k, v in prev.items() if k not in {"_id", "version"}}
    return {**base, **fields, "history": history}, envelopes


async def store_ranking(deps: Deps, demand: Doc, hits: list[Doc]) -> RankingResult:
    """Write ``demand``'s ranked pairs; pairs that left the ranking lose their rank.

    Two passes over one demand may run at once (two handlers, two replicas): each pair
    is saved at the version it was read at and the ranking at its own, so the second
    pass to finish loses a race, reloads and decides again (no lock stands in for it)."""
    for _attempt in range(MAX_RETRIES):
        try:
            return await _store_ranking(deps, demand, hits)
        except Conflict:
            continue
    raise RuntimeError(f"the ranking of {demand['id']} kept changing under us")


async def _store_ranking(deps: Deps, demand: Doc, hits: list[Doc]) -> RankingResult:
    """Only pairs whose stored state differs from the new ranking are read and written:
    the demand's ranking (one read by ``_id``) says which; a re-ranking that changes
    nothing reads that one document and writes nothing."""
    repo = deps.repos.matches
    hits = [h for h in hits if relevant(deps.policy, demand, h["_source"])]
    result = RankingResult(demands=1, pairs=len(hits))
    plans = planned(demand, hits)
    before = await repo.ranking(demand["id"])
    state = {
        p.mid: before.state[p.mid] for p in plans if _same_state(deps, before.state.get(p.mid), p)
    }
    pending = {p.mid: p for p in plans if p.mid not in state}
    attempts = 0
    while pending:
        attempts += 1
        if attempts > MAX_RETRIES:
            raise RuntimeError(f"pairs of {demand['id']} kept changing under us: {list(pending)}")
        existing = await repo.load(pending)
        changes, new_pairs = [], []
        for mid, p in pending.items():
            prev = existing.get(mid)
            doc, envs = _plan(deps, demand, p, prev)
            if doc is None:  # the document holds this state already
                score = float(prev["score"]) if prev is not None else p.score
                state[mid] = PairState(p.rank, score, p.digest, p.supply_org_id)
                continue
            changes.append((mid, prev["version"] if prev else 0, doc, envs))
            if prev is None:
                new_pairs.append((demand["id"], doc["supply_id"]))
            if envs:
                result.suggested.append(mid)
        # links first: a crash after them leaves a link to a missing pair, which is harmless
        await repo.link(new_pairs)
        lost = await repo.write_batch(changes)
        result.written += len(changes) - len(lost)
        result.suggested = [m for m in result.suggested if m not in lost]
        for mid in set(pending) - set(lost):
            if mid not in state:
                state[mid] = pending[mid].state()
        pending = {mid: pending[mid] for mid in lost}
    ids = tuple(p.mid for p in plans)
    await repo.drop_from_ranking(set(before.ranked) - set(ids), deps.clock())
    await repo.save_ranking(demand["id"], before, Ranking(ranked=ids, state=state))
    return result


async def rank_demand(deps: Deps, demand: Doc) -> RankingResult:
    """Rank the supply that answers ``demand`` (a projected document) and store the pairs."""
    body = match_body(demand, deps.settings.ranked_depth)
    # through msearch: concurrent handlers' rankings share one round trip
    (response,) = await deps.search.msearch([(PAIRS[demand["kind"]], body)])
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
    missing = [i for i in before if i not in found]
    docs = await asyncio.gather(*(deps.search.get(demand_kind, i) for i in missing))
    for demand_id, doc in zip(missing, docs, strict=True):  # read at once, not one by one
        if doc is not None and doc.get("status") == "published":
            found[demand_id] = doc
    # A demand too far from the supply (too few shared words, vectors not similar
    # enough) cannot rank it (its ranking drops such hits); unless it ranked the supply
    # before, re-ranking it would only restore what its own last ranking stored.
    return [d for d in found.values() if d["id"] in before or relevant(deps.policy, d, supply)]


async def match_supply(deps: Deps, supply: Doc, *, published: bool = False) -> RankingResult:
    """Find the demands ``supply`` answers and re-rank each of them."""
    candidates = await candidate_demands(deps, supply, earlier=not published)
    return await rerank_demands(deps, candidates)


async def withdraw(deps: Deps, kind: str, record_id: str) -> RankingResult:
    """A withdrawn record leaves every result; demands that ranked a withdrawn supply move up.

    Its pairs come from the links (reads by ``_id``, no scan). The stored ranking state
    of the demands concerned is forgotten first, so that no state claims a pair this
    withdrawal deactivates is still current, even if the process stops half-way."""
    now = deps.clock()
    repo = deps.repos.matches
    if kind in PAIRS:
        await repo.forget_ranking(record_id)
        supplies = await repo.counterparts("demand", record_id)
        await repo.deactivate([pair_id(record_id, s) for s in supplies], now)
        return RankingResult()
    linked = await repo.counterparts("supply", record_id)
    await asyncio.gather(*(repo.forget_ranking(d, record_id) for d in linked))
    deactivated = await repo.deactivate([pair_id(d, record_id) for d in linked], now)
    demand_ids = sorted({mid.split("|", 1)[0] for mid in deactivated})
    demand_kind = REVERSE_PAIRS[kind]
    demands = await asyncio.gather(*(deps.search.get(demand_kind, i) for i in demand_ids))
    live = [d for d in demands if d is not None and d.get("status") == "published"]
    return await rerank_demands(deps, live)
