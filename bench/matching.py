"""Latency benchmark of the matching query on a large supply index.

Generates ``--docs`` synthetic ``tech_offer`` records (text recombined from a small
technical vocabulary, attributes drawn at random), embeds them with the service's
sentence model, bulk-indexes them through ``to_index_doc`` into a fresh index on the
real OpenSearch, then times, one at a time, exactly the body the service sends for a
projected ``tech_need`` demand: ``match_body`` (size ``ranked_depth``, highlighting,
the service's ``_source``, the rescorers with the semantic stage).

    uv run python bench/matching.py [--docs 100000] [--queries 300]

Embedding 100,000 passages takes minutes on 2 cores, so the vectors are kept in
``.cache/bench-matching/`` by seed and count (``--fresh-vectors`` recomputes them).
The last line printed is one JSON object: docs, p50_ms, p99_ms (build + client round
trip), server-side percentiles, embedding and indexing throughput.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import typer
from opensearchpy import OpenSearch, helpers

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.matching.ranking import (  # noqa: E402
    DEFAULT_PARAMS,
    build_match_query,
    index_definition,
    semantic,
    to_index_doc,
)
from services.matching.settings import MatchingSettings  # noqa: E402
from services.matching.usecases.ranking import match_body  # noqa: E402

CACHE = ROOT / ".cache" / "bench-matching"

app = typer.Typer(add_completion=False)


def _words(text: str) -> list[str]:
    return text.split()


SUBJECTS = _words(
    """
    储能 锂电池 钠离子电池 固态电池 光伏组件 氢燃料电池 电解槽 碳化硅 氮化镓 功率器件 MCU芯片
    射频芯片 光刻胶 封装基板 大模型 知识图谱 机器视觉 语音识别 联邦学习 隐私计算 区块链 数字人民币
    智能合约 车路协同 激光雷达 自动驾驶 高精地图 工业互联网 数字孪生 边缘计算 时序数据库 操作系统
    分布式数据库 量子密钥 量子计算 基因编辑 细胞治疗 mRNA疫苗 抗体药物 医学影像 手术机器人 体外诊断
    碳纤维 气凝胶 高温合金 钛合金粉末 增材制造 工业机器人 数控机床 无人机 卫星遥感 商业航天 智慧农业
    育种 植保 水肥一体化 污水处理 余热回收 风电运维 电网调峰 虚拟电厂 充电桩 热管理
"""
)
ACTIONS = _words(
    """
    设计 研发 制备 检测 监测 预测 优化 控制 集成 部署
    运维 诊断 识别 评估 仿真 标定 修复 回收 加速 国产化
"""
)
QUALITIES = _words(
    """
    高效 低成本 高可靠 长寿命 轻量化 高精度 低功耗
    智能化 模块化 国产替代 自主可控 大规模 实时 安全可信
"""
)
OBJECTS = _words(
    """
    系统 平台 装备 工艺 材料 算法 模型 芯片 传感器 软件 解决方案 生产线 样机 服务 数据集
"""
)
MODES = ["transfer", "license", "equity", "joint_dev"]
DOMAINS = _words("ic ai biomed materials blockchain iov nextgen_it health manufacturing energy")


def _text(rng: random.Random) -> tuple[str, str, list[str]]:
    subj = rng.sample(SUBJECTS, 3)
    title = f"{rng.choice(QUALITIES)}{subj[0]}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}"
    sentences = [
        f"面向{subj[1]}与{subj[2]}场景，{rng.choice(ACTIONS)}{rng.choice(QUALITIES)}{subj[0]}"
        f"{rng.choice(OBJECTS)}，实现{rng.choice(QUALITIES)}{rng.choice(ACTIONS)}。"
        for _ in range(rng.randint(2, 4))
    ]
    keywords = [*subj, rng.choice(QUALITIES), rng.choice(OBJECTS)]
    return title, "".join(sentences), keywords


def offer(i: int, rng: random.Random) -> dict:
    title, description, keywords = _text(rng)
    return {
        "id": f"bench-offer-{i}",
        "kind": "tech_offer",
        "title": title,
        "description": description,
        "domains": rng.sample(DOMAINS, rng.randint(1, 2)),
        "keywords": keywords,
        "attributes": {
            "trl": rng.randint(2, 9),
            "cooperation_modes": rng.sample(MODES, rng.randint(1, 3)),
            "ip": rng.randint(0, 40),
        },
    }


def need(i: int, rng: random.Random) -> dict:
    title, description, keywords = _text(rng)
    return {
        "id": f"bench-need-{i}",
        "kind": "tech_need",
        "title": title + "技术需求",
        "description": description,
        "domains": rng.sample(DOMAINS, rng.randint(1, 3)),
        "keywords": keywords,
        "attributes": {
            "min_trl": rng.randint(3, 8),
            "cooperation_modes": rng.sample(MODES, rng.randint(1, 2)),
            "budget_cny": [500_000, 5_000_000],
        },
    }


def offers(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [offer(i, rng) for i in range(n)]


def _passage(rec: dict) -> str:
    return semantic.passage(rec["title"], rec["keywords"], rec["description"])


def prepare_vectors(records: list[dict], seed: int, fresh: bool, pool: int) -> float | None:
    """Fill the model's cache with every record's vector: from saved chunks of 10,000,
    or by embedding them now (each chunk saved as it is done, so an interrupted run
    keeps its work). Returns passages/s over the chunks embedded in this run.

    ``pool`` > 0 embeds only the first ``pool`` records and gives record ``i`` the
    vector of record ``i % pool`` (a real model vector of a similar synthetic text, not
    of its own): the engine's cost is the same (every document holds all 1,024
    features), for when the machine cannot embed 100,000 passages in time."""
    texts = [_passage(r) for r in records]
    embed = texts[:pool] if pool else texts
    CACHE.mkdir(parents=True, exist_ok=True)
    done, seconds = 0, 0.0
    vectors: list[np.ndarray] = []
    for start in range(0, len(embed), 10_000):
        chunk = embed[start : start + 10_000]
        path = CACHE / f"offers-{seed}-{start}-{len(chunk)}.npy"
        if path.exists() and not fresh:
            vectors += list(np.load(path).astype(np.float32))
            continue
        t0 = time.perf_counter()
        got = []
        for i in range(0, len(chunk), 500):
            got += semantic.embed_many(chunk[i : i + 500])
        seconds += time.perf_counter() - t0
        done += len(chunk)
        np.save(path, np.stack(got).astype(np.float16))
        vectors += got
        print(f"embedded {start + len(chunk)}/{len(embed)} ({done / seconds:.0f}/s)", flush=True)
    for i, text in enumerate(texts):
        semantic.remember(text, vectors[i % len(vectors)])
    return done / seconds if done else None


def actions(index: str, records: list[dict]) -> Iterator[dict]:
    for rec in records:
        yield {"_index": index, "_id": rec["id"], "_source": to_index_doc(rec)}


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


@app.command()
def main(
    docs: int = typer.Option(100_000, help="synthetic supply documents to index"),
    queries: int = typer.Option(300, help="timed match queries (after a warm-up)"),
    url: str = typer.Option("http://127.0.0.1:9200", envvar="DUIJIE_OPENSEARCH_URL"),
    seed: int = typer.Option(7),
    fresh_vectors: bool = typer.Option(False, help="recompute the saved document vectors"),
    vector_pool: int = typer.Option(
        0, help="embed only this many documents and reuse their vectors (0: embed every one)"
    ),
) -> None:
    client = OpenSearch(url, timeout=120)
    depth = MatchingSettings().ranked_depth
    t0 = time.perf_counter()
    semantic.model()
    load_s = time.perf_counter() - t0
    records = offers(docs, seed)
    embed_rate = prepare_vectors(records, seed, fresh_vectors, vector_pool)
    index = f"bench-match-{uuid.uuid4().hex[:8]}"
    body = index_definition("tech_offer")
    body["settings"]["index"]["refresh_interval"] = "-1"
    client.indices.create(index=index, body=body)
    try:
        t0 = time.perf_counter()
        for ok, info in helpers.parallel_bulk(
            client, actions(index, records), thread_count=2, chunk_size=1000, queue_size=4
        ):
            if not ok:
                raise RuntimeError(info)
        client.indices.put_settings(index=index, body={"index": {"refresh_interval": "1s"}})
        client.indices.refresh(index=index)
        client.indices.forcemerge(index=index, max_num_segments=1, request_timeout=600)
        index_s = time.perf_counter() - t0
        count = client.count(index=index)["count"]
        print(f"indexed {count} docs in {index_s:.1f}s ({count / index_s:.0f} docs/s)")

        rng = random.Random(seed + 1)
        # demands are projected first, as the service projects a record before ranking it
        demands = [to_index_doc(need(i, rng)) for i in range(queries + 30)]
        wall: list[float] = []
        took: list[float] = []
        # the same body without the semantic stage, interleaved, so the machine's load
        # weighs on both alike and the stage's own cost shows
        lexical = DEFAULT_PARAMS.but(semantic_weight=0)
        wall_lex: list[float] = []
        for i, demand in enumerate(demands):
            t = time.perf_counter()
            q = match_body(demand, depth)
            resp = client.search(index=index, body=q)
            if i >= 30:  # warm-up excluded
                wall.append((time.perf_counter() - t) * 1000)
                took.append(float(resp["took"]))
            t = time.perf_counter()
            body = build_match_query(demand, size=depth, params=lexical, highlight=True)
            body["_source"] = q["_source"]
            client.search(index=index, body=body)
            if i >= 30:
                wall_lex.append((time.perf_counter() - t) * 1000)
        result = {
            "docs": count,
            "queries": len(wall),
            "p50_ms": round(pct(wall, 0.50), 2),
            "p99_ms": round(pct(wall, 0.99), 2),
            "mean_ms": round(statistics.fmean(wall), 2),
            "without_semantic_p50_ms": round(pct(wall_lex, 0.50), 2),
            "without_semantic_p99_ms": round(pct(wall_lex, 0.99), 2),
            "server_p50_ms": pct(took, 0.50),
            "server_p99_ms": pct(took, 0.99),
            "index_docs_per_s": round(count / index_s),
            "model_load_s": round(load_s, 2),
            "embed_passages_per_s": None if embed_rate is None else round(embed_rate),
            "size": depth,
            "vectors": f"pool of {vector_pool}" if vector_pool else "every document embedded",
            "semantic_stage": any("rank_feature" in json.dumps(r) for r in q.get("rescore", [])),
        }
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)
    print(json.dumps(result))


if __name__ == "__main__":
    app()
