"""Relevance harness: nDCG@10 of the matching ranker on labelled pairs, held out.

Indexes the dataset's documents (supply) and queries (demands) through
``to_index_doc`` into fresh indices on the real OpenSearch and ranks supply for every
demand with the service's own body (``match_body``) and relevance floor. A plain
BM25 baseline (``standard`` analyzer, title+description) runs on the same engine.

Honest protocol (``--folds 5``): queries are split into folds by query, stratified by
kind. Every parameter choice (the ``GRID`` of fusion weight x domain factor; the
standing interest's vector gate) is made on the other folds and scored on the held-out one;
``heldout_ndcg10`` pools the held-out queries, ``heldout_sd`` is the spread of the
fold means (over ``--repeats`` fold draws). Ablations are held out the same way.
``ndcg10`` is the shipped defaults scored on every query (in-sample: they were
chosen on this set). The service's relevance floor (``usecases.pairing.relevant``: 2+
shared words, or sentence similarity >= ``min_similarity``) and its alternatives
(``FLOORS``) are applied to the same hits of every grid point, each held out, with
what each lets through to the top 10 (judged relevant / irrelevant / unjudged).

    uv run python bench/relevance.py [--data DIR] [--folds 5] [--repeats 3] [--ablate]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import json
import math
import statistics
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import typer
from opensearchpy import OpenSearch, helpers
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.heldout import (  # noqa: E402
    held_out,
    make_folds,
    percolator_fixed,
    percolator_held_out,
)
from services.matching.domain.suggestions import SuggestionPolicy  # noqa: E402
from services.matching.ranking import (  # noqa: E402
    DEFAULT_PARAMS,
    PAIRS,
    REVERSE_PAIRS,
    RankingParams,
    build_match_query,
    build_percolate_query,
    build_semantic_reverse_query,
    index_definition,
    semantic,
    standing_hits,
    to_index_doc,
)
from services.matching.settings import MatchingSettings  # noqa: E402
from services.matching.usecases.pairing import FULL_SOURCE, match_body, relevant  # noqa: E402

K = 10
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "matching-dev"
app = typer.Typer(add_completion=False)
console = Console(width=140)

#: the choices made on training folds: fusion weight of the sentence similarity x the
#: domain factor (each a general knob; no query, term or code is named)
GRID: list[RankingParams] = [
    DEFAULT_PARAMS.but(semantic_weight=w, domain_factor=f)
    for w in (0.0, 64.0, 128.0, 256.0, 512.0, 1024.0)
    for f in (0.0, 3.0, 6.0, 12.0, 24.0)
]
#: each ablation changes every grid point the same way, then is held out like the rest
ABLATIONS: dict[str, dict[str, Any]] = {
    "no semantic signal": {"semantic_weight": 0.0},
    "no hard filters": {"filters": False},
    "cjk bigrams only": {"seg": False},
    "jieba words only": {"cjk": False, "seg_rescore": False},
    "no domain factor": {"domain_factor": 0.0},
    "semantic on all 512 dims": {"semantic_dims": 512},
    "semantic on 128 dims": {"semantic_dims": 128},
    "semantic on 128 dims, window 100 (before)": {"semantic_dims": 128, "semantic_window": 0},
    "rescore window 50": {"rescore_window": 50},
    "most_fields": {"multi_match_type": "most_fields"},
}
#: the service's relevance floor (``SuggestionPolicy``: >= 2 shared words, or sentence
#: similarity >= ``min_similarity``) and its alternatives, applied to the same hits of
#: every grid point (no extra search), each held out like the shipped one
_POLICY = SuggestionPolicy()
FLOORS: dict[str, SuggestionPolicy] = {
    "word floor alone": replace(_POLICY, min_similarity=None),
    **{
        f"word floor or similarity >= {t}": replace(_POLICY, min_similarity=t)
        for t in (0.5, 0.45, 0.4, 0.35, 0.3, 0.25)
    },
    "no word floor": replace(_POLICY, min_shared_terms=0, min_similarity=None),
}
#: the standing interest's vector gate: share of sign agreement (0: the word gate alone)
GATES = (0.0, 0.6, 0.65, 0.7, 0.75, 0.8)


def load(data: Path) -> tuple[list[dict], list[dict], dict[str, dict[str, int]]]:
    def read(name: str) -> list[dict]:
        with (data / name).open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for r in read("qrels.jsonl"):
        qrels[r["query_id"]][r["doc_id"]] = int(r["grade"])
    return read("documents.jsonl"), read("queries.jsonl"), qrels


def ndcg_at_k(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    dcg = sum(grades.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_k(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    relevant = {d for d, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


BASELINE_DEF = {
    "settings": {"index": {"number_of_shards": 1, "number_of_replicas": 0}},
    "mappings": {
        "properties": {
            "kind": {"type": "keyword"},
            "title": {"type": "text", "analyzer": "standard"},
            "description": {"type": "text", "analyzer": "standard"},
        }
    },
}


def baseline_query(q: dict, size: int = K) -> dict:
    text = f"{q['title']} {q['description']}"
    return {
        "size": size,
        "query": {"multi_match": {"query": text, "fields": ["title", "description"]}},
    }


def msearch(
    client: OpenSearch, index_of: dict[str, str], bodies: list[tuple[str, dict]]
) -> list[list[str]]:
    lines: list[dict] = []
    for kind, body in bodies:
        lines += [{"index": index_of[kind]}, body]
    out: list[list[str]] = []
    for i in range(0, len(lines), 200):
        resp = client.msearch(body=lines[i : i + 200])
        for r in resp["responses"]:
            if "error" in r:
                raise RuntimeError(r["error"])
            out.append([h["_id"] for h in r["hits"]["hits"]])
    return out


def service_hits(
    client: OpenSearch,
    index_of: dict[str, str],
    queries: list[dict],
    params: RankingParams | None = None,
) -> tuple[list[dict], list[list[dict]]]:
    """The projected demands and the hits the service's query body returns for each
    (``match_body`` for the defaults; the same builder with ``params`` otherwise), at
    the service's depth, before its relevance floor."""
    depth = MatchingSettings().ranked_depth
    demands = [
        to_index_doc({**q, "status": "published"}, with_standing_query=False) for q in queries
    ]
    bodies = []
    for d in demands:
        if params is None:
            body = match_body(d, depth)
        else:
            body = build_match_query(d, size=depth, params=params)
            body["_source"] = FULL_SOURCE
        bodies.append((PAIRS[d["kind"]], body))
    return demands, msearch_hits(client, index_of, bodies)


def floored(
    demands: list[dict], hits: list[list[dict]], policy: SuggestionPolicy
) -> list[list[str]]:
    """The service's relevance floor (``relevant``: shared words, or sentence similarity)
    under ``policy``, then the top ``K``: what the service stores and suggests."""
    return [
        [h["_id"] for h in hs if relevant(policy, d, h["_source"])][:K]
        for d, hs in zip(demands, hits, strict=True)
    ]


def service_rankings(
    client: OpenSearch,
    index_of: dict[str, str],
    queries: list[dict],
    params: RankingParams | None = None,
    policy: SuggestionPolicy | None = None,
) -> list[list[str]]:
    """Rank as the matching service stores suggestions (``policy``: its floor by default)."""
    demands, hits = service_hits(client, index_of, queries, params)
    return floored(demands, hits, policy or SuggestionPolicy())


def msearch_hits(client: OpenSearch, index_of: dict[str, str], bodies: list[tuple[str, dict]]):
    lines: list[dict] = []
    for kind, body in bodies:
        lines += [{"index": index_of[kind]}, body]
    out: list[list[dict]] = []
    for i in range(0, len(lines), 40):
        for r in client.msearch(body=lines[i : i + 40])["responses"]:
            if "error" in r:
                raise RuntimeError(r["error"])
            out.append(r["hits"]["hits"])
    return out


def kept_pairs(queries: list[dict], rankings: list[list[str]], qrels: dict) -> dict[str, Any]:
    """What a floor lets through to the stored top ``K`` (suggestions): per demand, and
    how many of those pairs were judged relevant, judged irrelevant, or not judged."""
    counts = {"relevant": 0, "judged_irrelevant": 0, "unjudged": 0}
    for q, ranked in zip(queries, rankings, strict=True):
        grades = qrels.get(q["id"], {})
        for d in ranked:
            g = grades.get(d)
            counts["unjudged" if g is None else "relevant" if g > 0 else "judged_irrelevant"] += 1
    total = sum(counts.values())
    return {"kept_per_demand": round(total / len(queries), 2), **counts}


def per_query(queries: list[dict], rankings: list[list[str]], qrels: dict) -> dict[str, float]:
    return {
        q["id"]: ndcg_at_k(r, qrels.get(q["id"], {}))
        for q, r in zip(queries, rankings, strict=True)
    }


def evaluate(queries: list[dict], rankings: list[list[str]], qrels: dict) -> dict[str, Any]:
    per: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for q, ranked in zip(queries, rankings, strict=True):
        g = qrels.get(q["id"], {})
        per[q["kind"]].append((ndcg_at_k(ranked, g), recall_at_k(ranked, g)))
    allv = [v for vs in per.values() for v in vs]

    def mean(vs: list[tuple[float, float]], i: int) -> float:
        return round(sum(v[i] for v in vs) / len(vs), 4) if vs else 0.0

    return {
        "ndcg10": mean(allv, 0),
        "recall10": mean(allv, 1),
        "per_kind": {
            k: {"ndcg10": mean(v, 0), "recall10": mean(v, 1), "n": len(v)} for k, v in per.items()
        },
    }


def percolated_pairs(
    client: OpenSearch, demand_index: dict[str, str], docs: list[dict]
) -> dict[float, set[tuple[str, str]]]:
    """Per vector gate of ``GATES``: the (demand, supply) pairs whose standing interest
    admits the supply, found as the service finds them for a new supply: the percolator
    (word gate, up to 200 hits) and the vector query (``standing_vector_depth``),
    kept by ``standing_hits`` (constraints, and the gate on the vector hits)."""
    lines: list[dict] = []
    supplies: list[dict] = []
    for doc in docs:
        projected = to_index_doc(doc)
        index = {"index": demand_index[REVERSE_PAIRS[doc["kind"]]]}
        nearest = build_semantic_reverse_query(projected) or {"size": 0}
        lines += [index, build_percolate_query(projected, size=200), index, nearest]
        supplies.append(projected)
    responses: list[dict] = []
    for i in range(0, len(lines), 100):
        for r in client.msearch(body=lines[i : i + 100])["responses"]:
            if "error" in r:
                raise RuntimeError(r["error"])
            responses.append(r)
    found: dict[float, set[tuple[str, str]]] = {g: set() for g in GATES}
    for n, supply in enumerate(supplies):
        percolated, nearest = (
            [h["_source"] for h in r["hits"]["hits"]] for r in responses[2 * n : 2 * n + 2]
        )
        for g in GATES:
            params = DEFAULT_PARAMS.but(standing_sign_agreement=g)
            for demand in standing_hits(supply, percolated, nearest, params=params):
                found[g].add((demand["id"], supply["id"]))
    return found


def index_all(client: OpenSearch, prefix: str, docs: list[dict], queries: list[dict]) -> dict:
    """Fresh indices: supply, the baseline's, and one demand index per percolator gate."""
    names: dict[str, Any] = {
        "supply": {k: f"{prefix}-{k.replace('_', '-')}" for k in PAIRS.values()},
        "base": {k: f"{prefix}-base-{k.replace('_', '-')}" for k in PAIRS.values()},
        "demand": {k: f"{prefix}-demand-{k.replace('_', '-')}" for k in PAIRS},
    }
    for kind, name in names["supply"].items():
        client.indices.create(index=name, body=index_definition(kind))
    for name in names["base"].values():
        client.indices.create(index=name, body=BASELINE_DEF)
    for kind, name in names["demand"].items():
        client.indices.create(index=name, body=index_definition(kind))
    actions = []
    for d in docs:
        actions.append(
            {"_index": names["supply"][d["kind"]], "_id": d["id"], "_source": to_index_doc(d)}
        )
        base_src = {"kind": d["kind"], "title": d["title"], "description": d["description"]}
        actions.append({"_index": names["base"][d["kind"]], "_id": d["id"], "_source": base_src})
    for q in queries:
        src = to_index_doc(q)  # with its standing query, as the service stores it
        actions.append({"_index": names["demand"][q["kind"]], "_id": q["id"], "_source": src})
    helpers.bulk(client, actions, refresh=True)
    return names


@app.command()
def main(
    data: Path = typer.Option(DEFAULT_DATA, help="dataset folder (documents/queries/qrels .jsonl)"),
    url: str = typer.Option("http://127.0.0.1:9200", envvar="DUIJIE_OPENSEARCH_URL"),
    folds: int = typer.Option(5, help="folds by query, stratified by kind"),
    repeats: int = typer.Option(3, help="fold draws (seeds 0..N-1) averaged"),
    ablate: bool = typer.Option(False, help="also hold out each ablation of the ranking knobs"),
    ablation: list[str] = typer.Option(
        [], help="hold out only this ablation (repeatable; a name of ABLATIONS)"
    ),
) -> None:
    docs, queries, qrels = load(data)
    client = OpenSearch(url, timeout=120)
    started = time.perf_counter()
    semantic.model()
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    semantic.embed_many(
        [semantic.passage(r["title"], r["keywords"], r["description"]) for r in docs + queries]
    )
    embed_s = time.perf_counter() - started
    console.print(
        f"model {semantic.MODEL_NAME}: loaded in {load_s:.1f}s, "
        f"{len(docs) + len(queries)} passages in {embed_s:.1f}s"
    )
    draws = [make_folds(queries, folds, seed) for seed in range(repeats)]
    prefix = f"bench-rel-{uuid.uuid4().hex[:8]}"
    names: dict[str, Any] = {}
    try:
        names = index_all(client, prefix, docs, queries)
        supply = names["supply"]
        at_defaults = service_hits(client, supply, queries)
        ours = evaluate(queries, floored(*at_defaults, _POLICY), qrels)
        by_pair = {dk: PAIRS[dk] for dk in PAIRS}
        base_rankings = msearch(
            client, names["base"], [(by_pair[q["kind"]], baseline_query(q)) for q in queries]
        )
        base = evaluate(queries, base_rankings, qrels)

        def grid_scores(changes: dict[str, Any]) -> list[dict]:
            return [
                per_query(
                    queries, service_rankings(client, supply, queries, p.but(**changes)), qrels
                )
                for p in GRID
            ]

        # one search pass per grid point; the shipped floor and each alternative on its hits
        by_floor: dict[str, list[dict]] = {name: [] for name in ("shipped", *FLOORS)}
        for p in GRID:
            demands, hits = service_hits(client, supply, queries, p)
            for name, policy in (("shipped", _POLICY), *FLOORS.items()):
                by_floor[name].append(per_query(queries, floored(demands, hits, policy), qrels))
        main_scores = by_floor["shipped"]
        held = held_out(queries, main_scores, draws)
        best_all = GRID[
            max(range(len(GRID)), key=lambda i: statistics.fmean(main_scores[i].values()))
        ]
        chosen = ABLATIONS if ablate else {n: ABLATIONS[n] for n in ablation}
        variants = {n: held_out(queries, grid_scores(c), draws) for n, c in chosen.items()}
        floors = {
            name: {
                **held_out(queries, by_floor[name], draws),
                **kept_pairs(queries, floored(*at_defaults, policy), qrels),
            }
            for name, policy in (("shipped", _POLICY), *FLOORS.items())
        }
        # the floor itself chosen on training folds, with the grid point: every
        # (floor, grid point) is a candidate, scored on the held-out fold
        names_ = list(FLOORS)
        either = held_out(queries, [s for n in names_ for s in by_floor[n]], draws)
        floor_picks: dict[str, int] = defaultdict(int)
        for i, n in either["chosen"].items():
            floor_picks[names_[i // len(GRID)]] += n
        floors["floor chosen on training folds"] = {
            **either,
            "kept_per_demand": "",
            "relevant": "",
            "judged_irrelevant": "",
            "unjudged": "",
        }
        found = percolated_pairs(client, names["demand"], docs)
    finally:
        for group in ("supply", "base", "demand"):
            for name in names.get(group, {}).values():
                client.indices.delete(index=name, ignore_unavailable=True)
    perc_before = percolator_fixed(found[0.0], qrels)
    perc_fixed = percolator_fixed(found[DEFAULT_PARAMS.standing_sign_agreement], qrels)
    perc = percolator_held_out(found, qrels, draws)

    table = Table(title=f"matching relevance @{K} on {data} ({folds} folds x {repeats} draws)")
    for col in ("pair", "n", "held-out nDCG@10", "defaults nDCG@10", "R@10", "BM25 nDCG@10"):
        table.add_column(col, justify="right" if col != "pair" else "left")
    for kind in PAIRS:
        o, b = ours["per_kind"].get(kind), base["per_kind"].get(kind)
        if o and b:
            table.add_row(
                f"{kind}→{PAIRS[kind]}", str(o["n"]), f"{held['per_kind'][kind]:.4f}",
                f"{o['ndcg10']:.4f}", f"{o['recall10']:.4f}", f"{b['ndcg10']:.4f}",
            )  # fmt: skip
    table.add_row(
        "overall", str(len(queries)), f"{held['mean']:.4f} ± {held['sd']:.4f}",
        f"{ours['ndcg10']:.4f}", f"{ours['recall10']:.4f}", f"{base['ndcg10']:.4f}", style="bold",
    )  # fmt: skip
    console.print(table)
    picks = {
        f"w={GRID[i].semantic_weight:g},dom={GRID[i].domain_factor:g}": n
        for i, n in sorted(held["chosen"].items(), key=lambda x: -x[1])
    }
    console.print(f"grid points chosen on training folds: {picks}")
    console.print(
        f"chosen on every query (ship this): semantic_weight={best_all.semantic_weight:g}, "
        f"domain_factor={best_all.domain_factor:g}"
    )
    if variants:
        vt = Table(title="ablations, held out (nDCG@10)")
        vt.add_column("variant")
        for kind in PAIRS:
            vt.add_column(kind, justify="right")
        vt.add_column("overall ± sd", justify="right")
        for name, v in {"shipped": held, **variants}.items():
            vt.add_row(
                name, *[f"{v['per_kind'].get(k, 0):.4f}" for k in PAIRS],
                f"{v['mean']:.4f} ± {v['sd']:.4f}",
            )  # fmt: skip
        console.print(vt)
    ft = Table(title=f"relevance floors, held out (nDCG@10) and what reaches the top {K}")
    ft.add_column("floor")
    for kind in PAIRS:
        ft.add_column(kind, justify="right")
    for col in ("overall ± sd", "kept/demand", "relevant", "judged irrel.", "unjudged"):
        ft.add_column(col, justify="right")
    for name, v in floors.items():
        label = f"shipped ({_POLICY.min_shared_terms} words or sim >= {_POLICY.min_similarity})"
        ft.add_row(
            label if name == "shipped" else name,
            *[f"{v['per_kind'].get(k, 0):.4f}" for k in PAIRS],
            f"{v['mean']:.4f} ± {v['sd']:.4f}", f"{v['kept_per_demand']}",
            str(v["relevant"]), str(v["judged_irrelevant"]), str(v["unjudged"]),
        )  # fmt: skip
    console.print(ft)
    console.print(f"floors chosen on training folds: {dict(floor_picks)}")
    console.print(
        f"percolator before (word gate alone): recall {perc_before['recall']:.4f}, "
        f"{perc_before['hits']} hits, {perc_before['judged_irrelevant_hits']} judged irrelevant\n"
        f"percolator shipped (gate {DEFAULT_PARAMS.standing_sign_agreement}): recall "
        f"{perc_fixed['recall']:.4f}, {perc_fixed['hits']} hits, "
        f"{perc_fixed['judged_irrelevant_hits']} judged irrelevant\n"
        f"percolator held out (gate chosen on training folds {perc['chosen']}): recall "
        f"{perc['recall']:.4f}, {perc['hits']} hits, "
        f"{perc['judged_irrelevant_hits']} judged irrelevant"
    )
    result = {
        "ndcg10": ours["ndcg10"],
        "heldout_ndcg10": held["mean"],
        "heldout_sd": held["sd"],
        "per_kind": {
            k: {
                "heldout_ndcg10": held["per_kind"][k],
                **v,
                "baseline_ndcg10": base["per_kind"][k]["ndcg10"],
            }
            for k, v in ours["per_kind"].items()
        },
        "baseline_ndcg10": base["ndcg10"],
        "percolator_recall": perc["recall"],
        "percolator_irrelevant_hits": perc["judged_irrelevant_hits"],
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    app()
