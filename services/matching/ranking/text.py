"""Word segmentation done in Python, identically at index and query time.

OpenSearch here has no Chinese word segmenter (no smartcn, no ik), so jieba runs in
the service: documents carry a pre-segmented, space-joined copy of each text field,
analysed in the engine by whitespace + lowercase only, and queries are segmented
by the same function before they are sent.

Speed: jieba cuts a text into blocks first (runs of CJK, Latin letters, digits and
``+#&._%-``) and segments each block on its own. A block of Chinese characters only —
nearly all of the text — goes to ``rjieba`` (jieba-rs: the same dictionary, DAG and
HMM, ~15x faster), which gives jieba's words exactly on such blocks (checked on every
dev and bench text and on 60,000 random strings of dictionary words; a unit test
keeps checking). Mixed blocks (``RISC-V``, ``PM2.5``, ``A轮``) stay with jieba:
jieba-rs treats ``-``, ``.`` and ``_`` inside Latin words differently. So the words are
jieba's, and indices built before need no reindex.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba
import rjieba

jieba.setLogLevel(logging.WARNING)

# jieba's own block pattern, and the blocks rjieba is given
_BLOCK: re.Pattern[str] = jieba.re_han_default
_HAN_ONLY = re.compile("[\u4e00-\u9fd5]+", re.U)

# Function words carry no topical signal; a general list, not tuned on any data.
_STOPWORDS_TEXT = """
    的 了 和 与 及 或 等 在 对 为 以 将 把 被 从 向 于 并 且 也 都 而 其
    之 中 上 下 内 可 能 是 有 无 不 要 需 须 已 由 该 此 这 那 各 每 个
    年 月 日 我们 我 公司 一 一种 一套 进行 通过 相关 提供 实现 具有 具备 主要
    以及 及其 并且 其中 可以 能够 需要 要求 希望 拟 基于 用于 支持 包括 a an
    and or of the to in for on with by from as at
    is are be
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORDS_TEXT.split())

_TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def words(text: str, *, search_mode: bool = True) -> list[str]:
    """jieba's ``cut_for_search`` (or ``cut``) of ``text`` (see the module doc), before
    the filter of ``tokens`` (whitespace may come out split differently: it is dropped)."""
    tok = _tokenizer()
    out: list[str] = []
    for blk in _BLOCK.split(text):
        if not blk:
            continue
        if _HAN_ONLY.fullmatch(blk):
            out += rjieba.cut_for_search(blk, True) if search_mode else rjieba.cut(blk, True)
        elif _BLOCK.fullmatch(blk):
            out += tok.cut_for_search(blk) if search_mode else tok.cut(blk)
        else:  # between blocks jieba yields every character alone (the filter drops most)
            out += blk
    return out


def tokens(text: str, *, search_mode: bool = True) -> list[str]:
    """Lower-cased word tokens of ``text`` without punctuation and function words.

    ``search_mode`` also emits the shorter words inside long compounds
    (``热失控预警`` → ``失控``, ``预警``, ...), which lets a long compound in one
    record meet its parts in another.
    """
    if not text:
        return []
    out: list[str] = []
    for w in words(text, search_mode=search_mode):
        w = w.strip().lower()
        if not w or w in STOPWORDS or not _TOKEN_OK.search(w):
            continue
        out.append(w)
    return out


def segment(text: str, *, search_mode: bool = True) -> str:
    """``tokens`` joined by spaces: the form stored in ``*_seg`` fields and sent as query."""
    return " ".join(tokens(text, search_mode=search_mode))


def segment_all(parts: Iterable[str], *, search_mode: bool = True) -> str:
    """Segment several texts into one space-joined string."""
    return " ".join(t for p in parts if p for t in tokens(p, search_mode=search_mode))
