"""Pair records: a demand's supply, and the demands a supply answers.

For a demand, one query on the supply index (built by ``ranking/``) ranks its
counterparts. For a supply, candidate demands come from the reverse query and the
demands' standing interests (percolator and vector query, checked by ``standing_hits``),
plus demands that already ranked this supply; each
candidate is then re-ranked with its own match query (one ``msearch``), so every stored
rank is a position in that demand's own results.

A demand's pass goes: the query and the plan (:func:`planned`, here) ->
``domain.pairs.decide`` (pure: the new state and the suggestions, or None) ->
``storage.matches.write`` (documents and events, one save each at the version read).
Each pair is one document, written only when its rank, score or explanation changed,
with its suggestions in the same write.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from services.matching.domain.pairs import (
    PairChange,
    PairState,
    Planned,
    decide,
    pair_id,
    same_state,
)
from services.matching.domain.suggestions import SuggestionPolicy, relevant_enough
from services.matching.ranking import (
    PAIRS,
    REVERSE_PAIRS,
    build_match_query,
    build_percolate_query,
    build_reverse_query,
    build_semantic_reverse_query,
    explain,
    semantic,
    standing_hits,
)
from services.matching.ranking.explain import text_overlap
from services.matching.sources import MARKETS
from services.matching.storage.matches import Conflict
from services.matching.storage.standing import Standing
from services.matching.usecases import Deps

Doc = dict[str, Any]
FULL_SOURCE = {"excludes": ["keywords_exact", "standing_query"]}
MAX_RETRIES = 5


@dataclass
class PairingResult:
    """What one pairing pass did (for logs, metrics and tests)."""

    demands: int = 0
    pairs: int = 0
    written: int = 0
    suggested: list[str] = field(default_factory=list)

    def add(self, other: PairingResult) -> None:
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


def planned(demand: Doc, ranked: list[Doc]) -> list[Planned]:
    """The pairs ``demand``'s ranked hits would be, in rank order, with their explanations."""
    market = MARKETS[demand["kind"]]
    return [
        Planned.of(demand, hit, rank=rank, market=market,
                   explanation=stored_explanation(demand, hit["_source"], hit))
        for rank, hit in enumerate(ranked, start=1)
    ]  # fmt: skip


async def store_pairs(deps: Deps, demand: Doc, hits: list[Doc]) -> PairingResult:
    """Write ``demand``'s ranked pairs; pairs that left its ranking lose their rank.

    Two passes over one demand may run at once (two handlers, two replicas): each pair
    is saved at the version it was read at and the standing at its own, so the second
    pass to finish loses a race, reloads and decides again (no lock stands in for it)."""
    for _attempt in range(MAX_RETRIES):
        try:
            return await _store_pairs(deps, demand, hits)
        except Conflict:
            continue
    raise RuntimeError(f"the standing of {demand['id']} kept changing under us")


async def _store_pairs(deps: Deps, demand: Doc, hits: list[Doc]) -> PairingResult:
    """Only pairs whose stored state differs from the new ranking are read and written:
    the demand's standing (one read by ``_id``) says which; a re-ranking that changes
    nothing reads that one document and writes nothing."""
    repo, policy = deps.repos.matches, deps.policy
    hits = [h for h in hits if relevant(policy, demand, h["_source"])]
    result = PairingResult(demands=1, pairs=len(hits))
    plans = planned(demand, hits)
    before = await repo.standing(demand["id"])
    state = {
        p.id: before.state[p.id] for p in plans if same_state(policy, before.state.get(p.id), p)
    }
    pending = {p.id: p for p in plans if p.id not in state}
    attempts = 0
    while pending:
        attempts += 1
        if attempts > MAX_RETRIES:
            raise RuntimeError(f"pairs of {demand['id']} kept changing under us: {list(pending)}")
        existing = await repo.load(pending)
        now = deps.clock()
        changes: list[PairChange] = []
        for mid, p in pending.items():
            previous = existing.get(mid)
            change = decide(policy, previous, p, now)
            if change is None:  # the document holds this state already
                score = previous.score if previous is not None else p.score
                state[mid] = PairState(p.rank, score, p.digest, p.supply_org_id)
                continue
            changes.append(change)
        lost = await repo.write(changes)
        result.written += len(changes) - len(lost)
        result.suggested += [c.id for c in changes if c.suggestions and c.id not in lost]
        for mid in set(pending) - set(lost):
            if mid not in state:
                state[mid] = pending[mid].state()
        pending = {mid: pending[mid] for mid in lost}
    ids = tuple(p.id for p in plans)
    await repo.drop_from_standing(set(before.ranked) - set(ids), deps.clock())
    await repo.save_standing(demand["id"], before, Standing(ranked=ids, state=state))
    return result


async def rank_demand(deps: Deps, demand: Doc) -> PairingResult:
    """Rank the supply that answers ``demand`` (a projected document) and store the pairs."""
    body = match_body(demand, deps.settings.ranked_depth)
    # through msearch: concurrent handlers' rankings share one round trip
    (response,) = await deps.search.msearch([(PAIRS[demand["kind"]], body)])
    return await store_pairs(deps, demand, response["hits"]["hits"])


async def rerank_demands(deps: Deps, demands: list[Doc]) -> PairingResult:
    """Re-rank several demands of one kind: one ``msearch``, then their writes in parallel."""
    total = PairingResult()
    if not demands:
        return total
    supply_kind = PAIRS[demands[0]["kind"]]
    depth = deps.settings.ranked_depth
    responses = await deps.search.msearch([(supply_kind, match_body(d, depth)) for d in demands])
    results = await asyncio.gather(
        *(store_pairs(deps, d, r["hits"]["hits"]) for d, r in zip(demands, responses, strict=True))
    )
    for r in results:
        total.add(r)
    return total


async def candidate_demands(deps: Deps, supply: Doc, *, earlier: bool = True) -> list[Doc]:
    """Demands ``supply`` may answer: the reverse query, the demands whose standing
    interest admits it (percolator and vector query, ``standing_hits``), and
    (``earlier``) those that ranked it before — none can have when it is just published,
    as withdrawal takes a record out of every ranking, so that lookup is skipped then."""
    demand_kind = REVERSE_PAIRS[supply["kind"]]
    n = deps.settings.candidate_demands
    searches = [build_reverse_query(supply, size=n), build_percolate_query(supply, size=n)]
    nearest = build_semantic_reverse_query(supply)
    if nearest is not None:
        searches.append(nearest)
    for body in searches:
        body["_source"] = FULL_SOURCE
    responses = await deps.search.msearch([(demand_kind, body) for body in searches])
    sources = [[hit["_source"] for hit in r["hits"]["hits"]] for r in responses]
    found: dict[str, Doc] = {d["id"]: d for d in sources[0]}
    for demand in standing_hits(supply, *sources[1:]):
        found.setdefault(demand["id"], demand)
    before = await deps.repos.matches.ranked_demands_of(supply["id"]) if earlier else []
    missing = [i for i in before if i not in found]
    docs = await asyncio.gather(*(deps.search.get(demand_kind, i) for i in missing))
    for demand_id, doc in zip(missing, docs, strict=True):  # read at once, not one by one
        if doc is not None and doc.get("status") == "published":
            found[demand_id] = doc
    # A demand too far from the supply (too few shared words, vectors not similar
    # enough) cannot rank it (its ranking drops such hits); unless it ranked the supply
    # before, re-ranking it would only restore what its own last pass stored.
    return [d for d in found.values() if d["id"] in before or relevant(deps.policy, d, supply)]


async def match_supply(deps: Deps, supply: Doc, *, published: bool = False) -> PairingResult:
    """Find the demands ``supply`` answers and re-rank each of them."""
    candidates = await candidate_demands(deps, supply, earlier=not published)
    return await rerank_demands(deps, candidates)


async def withdraw(deps: Deps, kind: str, record_id: str) -> PairingResult:
    """A withdrawn record leaves every result; demands that ranked a withdrawn supply move up.

    Its pairs come from the links (reads by ``_id``, no scan). The standing state of
    the demands concerned is forgotten first, so that no state claims a pair this
    withdrawal deactivates is still current, even if the process stops half-way."""
    now = deps.clock()
    repo = deps.repos.matches
    if kind in PAIRS:
        await repo.forget_standing(record_id)
        supplies = await repo.counterparts("demand", record_id)
        await repo.deactivate([pair_id(record_id, s) for s in supplies], now)
        return PairingResult()
    linked = await repo.counterparts("supply", record_id)
    await asyncio.gather(*(repo.forget_standing(d, record_id) for d in linked))
    deactivated = await repo.deactivate([pair_id(d, record_id) for d in linked], now)
    demand_ids = sorted({mid.split("|", 1)[0] for mid in deactivated})
    demand_kind = REVERSE_PAIRS[kind]
    demands = await asyncio.gather(*(deps.search.get(demand_kind, i) for i in demand_ids))
    live = [d for d in demands if d is not None and d.get("status") == "published"]
    return await rerank_demands(deps, live)
