"""The fast segmenter gives jieba's words: rjieba on pure-Chinese blocks, jieba on the rest.

Indices built with jieba alone stay valid only if every text is cut the same way, so
this compares ``text.words`` with jieba's own ``cut_for_search`` and ``cut`` on the dev
set, on bench texts and on the mixed Latin/number cases where jieba-rs differs.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bench.matching_data import need, offer
from services.matching.ranking import text

pytestmark = pytest.mark.unit

DEV = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "matching-dev"

# where jieba-rs alone differs from jieba (hyphens, dots, underscores, rare CJK ranges)
TRICKY = [
    "RISC-V 内核 32 位工业 MCU 芯片设计", "实体瘤 CAR-T 细胞治疗 A轮", "处理量每小时5-10吨",
    "3.5kW储能", "Wi-Fi 6模组", "x86_64架构", "PM2.5监测", "v2.0版本", "a.b.c", "C++开发",
    "R&D中心", "100%国产", "#1号线", "ＡＢＣ全角１２３", "㐀㐁测试", "鿖鿗", "α-突触核蛋白",
    "TiO₂光催化", "GB/T 19001—2016", "AI+制造，5G+工业互联网", "多行\r\n文本\t制表", "",
]  # fmt: skip


def _jieba(s: str, search_mode: bool) -> list[str]:
    tok = text._tokenizer()
    return [w for w in (tok.cut_for_search(s) if search_mode else tok.cut(s)) if w.strip()]


def _ours(s: str, search_mode: bool) -> list[str]:
    return [w for w in text.words(s, search_mode=search_mode) if w.strip()]


def _texts(records: list[dict]) -> list[str]:
    return [t for r in records for t in (r["title"], r["description"], *r.get("keywords", []))]


def _dev_texts() -> list[str]:
    if not DEV.is_dir():
        pytest.skip(f"no dev set at {DEV}")
    rows = []
    for name in ("documents.jsonl", "queries.jsonl"):
        rows += [json.loads(line) for line in (DEV / name).read_text().splitlines() if line]
    return _texts(rows)


def _bench_texts() -> list[str]:
    rng = random.Random(19)
    return _texts([(need if i % 2 else offer)(i, rng) for i in range(600)])


@pytest.mark.parametrize("search_mode", [True, False])
@pytest.mark.parametrize("source", ["tricky", "dev", "bench"])
def test_words_are_jiebas(source: str, search_mode: bool) -> None:
    texts = {"tricky": lambda: TRICKY, "dev": _dev_texts, "bench": _bench_texts}[source]()
    differ = [s for s in texts if _ours(s, search_mode) != _jieba(s, search_mode)]
    assert not differ, f"{len(differ)} of {len(texts)} texts cut differently, e.g. {differ[:3]}"


def test_tokens_filter_and_lower_case_as_before() -> None:
    assert text.tokens("RISC-V 内核的 MCU 芯片") == ["risc", "v", "内核", "mcu", "芯片"]
    assert text.segment("储能电池热失控预警") == "储能 电池 热 失控 预警"
