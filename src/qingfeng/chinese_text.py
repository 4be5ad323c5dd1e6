"""Normalising what people type: 繁體 → 简体, 全角 → 半角, stray spaces — only where that is safe.

Three kinds of cell, three functions:

* vocabulary (risk categories, levels, measure codes, warning colours, item types, 是/否, headers):
  :func:`normalise` — OpenCC ``t2s``, full-width letters and digits folded, spaces trimmed;
* names and free text (姓名, 单位, 部门, 岗位, titles, facts): :func:`as_typed` — spaces trimmed and
  nothing else.  OpenCC is a dictionary, not a reader: it turns the name 張乾 into 张干 and the
  surname 於 into 于, so it must never touch a personal name, a unit or a place;
* ids (编号, record numbers, dates, amounts): :func:`id_text` — every full-width form folded (NFKC).

For matching short answers, :func:`compact` folds all full-width forms (NFKC) and drops spaces.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

__all__ = ["to_simplified", "fold_width", "normalise", "as_typed", "id_text", "compact"]


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Convert Traditional characters to Simplified (a no-op on Simplified text)."""
    return _t2s().convert(text) if text else text


# Full-width 0-9, A-Z, a-z → ASCII; ideographic space → space.
_WIDTH = {cp: cp - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for cp in range(r[0], r[1] + 1)}
_WIDTH[0x3000] = 0x20


def fold_width(text: str) -> str:
    """Fold full-width letters and digits (ＡＢ１２) to half-width; keep CJK punctuation."""
    return text.translate(_WIDTH)


_HSPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
_ALLSPACE = re.compile(r"\s+")


def _tidy(s: str) -> str:
    if "\n" not in s and "\r" not in s:
        return _HSPACE.sub(" ", s).strip()
    lines = [_HSPACE.sub(" ", line).strip() for line in s.splitlines()]
    return "\n".join(lines).strip()


@lru_cache(maxsize=65536)
def _vocabulary(s: str) -> str:
    return _tidy(to_simplified(fold_width(s)))


def normalise(text: object) -> str:
    """For vocabulary only: Simplified, half-width letters/digits, trimmed, runs of spaces collapsed (line breaks kept)."""
    if text is None:
        return ""
    return _vocabulary(str(text))


def as_typed(text: object) -> str:
    """For names and free text: exactly as typed except surrounding and repeated spaces (line breaks kept)."""
    if text is None:
        return ""
    return _tidy(str(text))


@lru_cache(maxsize=65536)
def _id(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


def id_text(text: object) -> str:
    """For ids: every full-width form folded (Ｍ２０－１ → M20-1), trimmed; no script conversion."""
    if text is None:
        return ""
    return _id(str(text))


def compact(text: object) -> str:
    """For answer matching: Simplified, every full-width form folded (NFKC), no white space."""
    if text is None:
        return ""
    return _ALLSPACE.sub("", to_simplified(unicodedata.normalize("NFKC", str(text))))
