"""A suggested score for a 简答/论述 answer, from the rubric's key points: a marking aid, never a grade.

Each rubric point has key terms — the bank's ``keywords`` (``"教育|学习"``: a
term and its synonyms), or, when a point has none, the content words jieba
segments out of the point's own text.  A term is found when any of its forms
occurs in the answer (both normalised: simplified characters, half-width).
A point is suggested as met when at least ``FULL`` of its terms are found,
half met from ``HALF``; the suggestion is the sum, rounded down to half
points.  The marker sees which terms were found and missing per point, and
decides; nothing here writes to the gradebook.

Thresholds were fixed before measuring against the hand-marked set in
``tests/data/essays`` (the README reports the agreement).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from ..bank.model import RubricPoint
from ..chinese_text import normalise

__all__ = ["PointMatch", "Suggestion", "suggest", "point_terms", "FULL", "HALF"]

FULL = 0.6  # share of a point's terms found for the whole point
HALF = 0.3  # … for half of it

_STOP = set("的 了 和 与 及 或 等 是 在 把 对 为 以 中 上 下 不 要 能 有 也 而 并 由 其 之 于 将 被 从 向 按 使 让 这 那 各 每 一 二 三 四 五".split())
_STOP_WORDS = {"以及", "进行", "可以", "工作", "问题", "方面", "有效", "加以", "实施", "作为", "通过", "采取", "主要", "相关",
               "一个", "没有", "如何", "什么", "等等", "发生", "产生", "方法", "重要", "本身", "也可", "可答"}
_NON_WORD = re.compile(r"^[\W\d_]+$")


@dataclass(frozen=True)
class PointMatch:
    point: str
    points: float
    found: tuple[str, ...]  # as written in the answer (a keyword or one of its synonyms)
    missing: tuple[str, ...]
    credit: float  # 0, half or full points: the suggestion for this point

    @property
    def share(self) -> float:
        n = len(self.found) + len(self.missing)
        return len(self.found) / n if n else 0.0


@dataclass(frozen=True)
class Suggestion:
    points: tuple[PointMatch, ...]
    max_points: float

    @property
    def score(self) -> float:
        raw = sum(p.credit for p in self.points)
        return min(self.max_points, math.floor(raw * 2 + 1e-9) / 2)

    def explain(self) -> str:
        """One line per point, as the marker reads it next to the answer."""
        lines = []
        for n, p in enumerate(self.points, start=1):
            state = "已答到" if p.credit == p.points else "部分答到" if p.credit else "未见"
            found = "、".join(p.found) or "—"
            lines.append(f"要点{n}（{p.points:g}分）{state}：命中 {found}" + (f"；未见 {'、'.join(p.missing)}" if p.missing else ""))
        return "\n".join(lines)


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=4096)
def point_terms(point: str, keywords: tuple[str, ...] = ()) -> tuple[tuple[str, ...], ...]:
    """The point's key terms, each as its forms: from ``keywords`` or segmented from the point text."""
    if keywords:
        return tuple(tuple(normalise(f).strip() for f in k.split("|") if f.strip()) for k in keywords)
    words = []
    for w in _jieba().lcut(normalise(point)):
        w = w.strip()
        if len(w) < 2 or w in _STOP_WORDS or _NON_WORD.match(w) or all(ch in _STOP for ch in w):
            continue
        if (w,) not in words:
            words.append((w,))
    return tuple(words)


def _credit(share: float, points: float) -> float:
    if share >= FULL:
        return points
    if share >= HALF:
        return points / 2
    return 0.0


def suggest(rubric: tuple[RubricPoint, ...], answer: str) -> Suggestion:
    text = normalise(answer or "").replace(" ", "")
    out = []
    for r in rubric:
        terms = point_terms(r.point, tuple(r.keywords))
        hits = [next((form for form in t if form in text), None) for t in terms]
        found = tuple(h for h in hits if h)  # the form the answer used
        missing = tuple(t[0] for t, h in zip(terms, hits) if not h)
        share = len(found) / len(terms) if terms else 0.0
        out.append(PointMatch(r.point, r.points, found, missing, _credit(share, r.points) if text.strip() else 0.0))
    return Suggestion(tuple(out), sum(r.points for r in rubric))
