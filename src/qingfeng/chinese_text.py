"""Normalising what people type: 繁體 → 简体, 全角 → 半角, stray spaces.

OpenCC does the script conversion (``t2s``).  For prose (a case's facts, a
title) only full-width letters, digits and the ideographic space are folded,
so Chinese punctuation such as ，；（） stays as written.  For matching short
answers, :func:`compact` folds all full-width forms (NFKC) and drops spaces.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

__all__ = ["to_simplified", "fold_width", "normalise", "compact"]


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


def normalise(text: object) -> str:
    """Simplified, half-width letters/digits, trimmed, runs of spaces collapsed (line breaks kept)."""
    if text is None:
        return ""
    s = to_simplified(fold_width(str(text)))
    lines = [_HSPACE.sub(" ", line).strip() for line in s.splitlines()]
    return "\n".join(lines).strip()


def compact(text: object) -> str:
    """For answer matching: Simplified, every full-width form folded (NFKC), no white space."""
    if text is None:
        return ""
    return _ALLSPACE.sub("", to_simplified(unicodedata.normalize("NFKC", str(text))))
