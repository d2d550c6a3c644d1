"""Relevance harness: nDCG@10 and Recall@10 of the matching ranker on labelled pairs.

Indexes the dataset's documents (supply) through ``to_index_doc`` into fresh indices
on the real OpenSearch, ranks them for every query (demand) with
``build_match_query``, exactly as the service does, and compares with a plain BM25
baseline (``standard`` analyzer, ``multi_match`` on title+description, no filters)
on the same engine in the same run. It also measures the percolator direction:
of the judged-relevant pairs, how many a supply's percolation finds.

    uv run python bench/relevance.py [--data DIR] [--ablate]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import json
import math
import sys
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import typer
from opensearchpy import OpenSearch, helpers
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.matching.domain.suggestions import (  # noqa: E402
    SuggestionPolicy,
    relevant_enough,
)
from services.matching.ranking import (  # noqa: E402
    DEFAULT_PARAMS,
    PAIRS,
    REVERSE_PAIRS,
    RankingParams,
    build_match_query,
    build_percolate_query,
    index_definition,
    to_index_doc,
)
from services.matching.usecases.ranking import match_body, shared_terms  # noqa: E402

K = 10
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "matching-dev"
app = typer.Typer(add_completion=False)
console = Console(width=140)

ABLATIONS: dict[str, RankingParams] = {
    "no hard filters": DEFAULT_PARAMS.but(filters=False),
    "cjk bigrams only": DEFAULT_PARAMS.but(seg=False),
    "jieba words only": DEFAULT_PARAMS.but(cjk=False, seg_rescore=False),
    "no domain factor": DEFAULT_PARAMS.but(domain_factor=0),
    "text only (cjk)": DEFAULT_PARAMS.but(seg=False, domain_factor=0),
    "most_fields": DEFAULT_PARAMS.but(multi_match_type="most_fields"),
    "title^3 keywords^2": DEFAULT_PARAMS.but(title_boost=3, keywords_boost=2),
    "+ additive domain terms": DEFAULT_PARAMS.but(domain_boost=1),
    "+ exact keywords": DEFAULT_PARAMS.but(exact_keyword_boost=1),
    "+ keyword phrases": DEFAULT_PARAMS.but(keyword_phrase_boost=1),
}


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


def service_rankings(
    client: OpenSearch, index_of: dict[str, str], queries: list[dict]
) -> list[list[str]]:
    """Rank exactly as the matching service stores suggestions: its query body
    (``match_body``), then its relevance floor (``relevant_enough`` on shared words)."""
    policy = SuggestionPolicy()
    out = []
    for q in queries:
        demand = to_index_doc({**q, "status": "published"}, with_standing_query=False)
        body = match_body(demand, K)
        hits = client.search(index=index_of[PAIRS[q["kind"]]], body=body)["hits"]["hits"]
        kept = [h for h in hits if relevant_enough(policy, shared_terms(demand, h["_source"]))]
        out.append([h["_id"] for h in kept])
    return out


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


def percolator_recall(
    client: OpenSearch, demand_index: dict[str, str], docs: list[dict], qrels: dict
) -> dict:
    relevant = {(q, d) for q, gs in qrels.items() for d, g in gs.items() if g > 0}
    judged_bad = {(q, d) for q, gs in qrels.items() for d, g in gs.items() if g == 0}
    found: set[tuple[str, str]] = set()
    lines: list[dict] = []
    owners: list[str] = []
    for doc in docs:
        lines += [
            {"index": demand_index[REVERSE_PAIRS[doc["kind"]]]},
            build_percolate_query(to_index_doc(doc), size=100),
        ]
        owners.append(doc["id"])
    for i in range(0, len(lines), 200):
        resp = client.msearch(body=lines[i : i + 200])
        for j, r in enumerate(resp["responses"]):
            for h in r["hits"]["hits"]:
                found.add((h["_id"], owners[i // 2 + j]))
    return {
        "recall": round(len(found & relevant) / len(relevant), 4),
        "judged_irrelevant_hits": len(found & judged_bad),
        "hits": len(found),
    }


@app.command()
def main(
    data: Path = typer.Option(DEFAULT_DATA, help="dataset folder (documents/queries/qrels .jsonl)"),
    url: str = typer.Option("http://127.0.0.1:9200", envvar="DUIJIE_OPENSEARCH_URL"),
    ablate: bool = typer.Option(False, help="also score each ablation of the ranking knobs"),
) -> None:
    docs, queries, qrels = load(data)
    client = OpenSearch(url, timeout=60)
    prefix = f"bench-rel-{uuid.uuid4().hex[:8]}"
    supply_index = {k: f"{prefix}-{k.replace('_', '-')}" for k in PAIRS.values()}
    demand_index = {k: f"{prefix}-{k.replace('_', '-')}" for k in PAIRS}
    base_index = {k: f"{prefix}-base-{k.replace('_', '-')}" for k in PAIRS.values()}
    try:
        for kind, name in (supply_index | demand_index).items():
            client.indices.create(index=name, body=index_definition(kind))
        for name in base_index.values():
            client.indices.create(index=name, body=BASELINE_DEF)
        actions = []
        for d in docs:
            actions.append(
                {"_index": supply_index[d["kind"]], "_id": d["id"], "_source": to_index_doc(d)}
            )
            base_src = {"kind": d["kind"], "title": d["title"], "description": d["description"]}
            actions.append({"_index": base_index[d["kind"]], "_id": d["id"], "_source": base_src})
        for q in queries:
            actions.append(
                {"_index": demand_index[q["kind"]], "_id": q["id"], "_source": to_index_doc(q)}
            )
        helpers.bulk(client, actions, refresh=True)

        by_pair = {dk: PAIRS[dk] for dk in PAIRS}
        engine = evaluate(
            queries,
            msearch(
                client,
                supply_index,
                [(by_pair[q["kind"]], build_match_query(q, size=K)) for q in queries],
            ),
            qrels,
        )
        ours = evaluate(queries, service_rankings(client, supply_index, queries), qrels)
        base = evaluate(
            queries,
            msearch(client, base_index, [(by_pair[q["kind"]], baseline_query(q)) for q in queries]),
            qrels,
        )
        variants: dict[str, dict] = {}
        if ablate:
            for name, p in ABLATIONS.items():
                bodies = [
                    (by_pair[q["kind"]], build_match_query(q, size=K, params=p)) for q in queries
                ]
                variants[name] = evaluate(queries, msearch(client, supply_index, bodies), qrels)
        perc = percolator_recall(client, demand_index, docs, qrels)
    finally:
        for name in [*supply_index.values(), *demand_index.values(), *base_index.values()]:
            client.indices.delete(index=name, ignore_unavailable=True)

    table = Table(title=f"matching relevance @{K} on {data}")
    for col in ("pair", "n", "nDCG@10", "R@10", "BM25 nDCG@10", "BM25 R@10"):
        table.add_column(col, justify="right" if col != "pair" else "left")
    for kind in PAIRS:
        o, b = ours["per_kind"].get(kind), base["per_kind"].get(kind)
        if o and b:
            table.add_row(
                f"{kind}→{PAIRS[kind]}",
                str(o["n"]),
                f"{o['ndcg10']:.4f}",
                f"{o['recall10']:.4f}",
                f"{b['ndcg10']:.4f}",
                f"{b['recall10']:.4f}",
            )
    table.add_row(
        "overall",
        str(len(queries)),
        f"{ours['ndcg10']:.4f}",
        f"{ours['recall10']:.4f}",
        f"{base['ndcg10']:.4f}",
        f"{base['recall10']:.4f}",
        style="bold",
    )
    console.print(table)
    if variants:
        vt = Table(title="ablations (nDCG@10)")
        vt.add_column("variant")
        for kind in PAIRS:
            vt.add_column(kind, justify="right")
        vt.add_column("overall", justify="right")
        for name, v in {"default": ours, **variants}.items():
            vt.add_row(
                name,
                *[f"{v['per_kind'].get(k, {}).get('ndcg10', 0):.4f}" for k in PAIRS],
                f"{v['ndcg10']:.4f}",
            )
        console.print(vt)
    console.print(
        f"percolator: recall of relevant pairs {perc['recall']:.4f}, "
        f"{perc['hits']} hits, {perc['judged_irrelevant_hits']} on judged-irrelevant pairs"
    )
    console.print(
        f"engine alone (no relevance floor): nDCG@10 {engine['ndcg10']:.4f}, "
        f"R@10 {engine['recall10']:.4f}"
    )
    result = {
        "engine_ndcg10": engine["ndcg10"],
        "ndcg10": ours["ndcg10"],
        "recall10": ours["recall10"],
        "baseline_ndcg10": base["ndcg10"],
        "baseline_recall10": base["recall10"],
        "per_kind": {
            k: {
                **v,
                "baseline_ndcg10": base["per_kind"][k]["ndcg10"],
                "baseline_recall10": base["per_kind"][k]["recall10"],
            }
            for k, v in ours["per_kind"].items()
        },
        "percolator_recall": perc["recall"],
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    app()
