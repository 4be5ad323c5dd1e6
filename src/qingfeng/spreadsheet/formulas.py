"""Formula injection (CSV/Excel injection): text that a spreadsheet would run.

Excel, WPS and LibreOffice treat a cell typed or imported as ``=…``, ``+…``,
``-…`` or ``@…`` (also after a leading tab or carriage return, and with the
full-width ＝＋－＠ a Chinese input method produces) as a formula, so a case
title or a roster 单位 of ``=HYPERLINK("http://…","点此")`` would become a
live link in an export.  :func:`safe_cell` prefixes such text with an
apostrophe (OWASP's advice); numbers stay numbers and text that is just a
number (``-1``, ``+3.5``) is left alone.  :func:`restore_cell` removes the
apostrophe again, so our own export → import round-trips unchanged.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by safe_frame when used: reading a sheet should not cost pandas' 0.4 s
    import pandas as pd

__all__ = ["safe_cell", "restore_cell", "safe_frame", "is_formula_text"]

_TRIGGERS = frozenset("=+-@＝＋－＠")
_CONTROL = frozenset("\t\r\n")
_LEADING_SPACE = " \u3000\u00a0"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")
PREFIX = "'"


def is_formula_text(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula."""
    if not text:
        return False
    if text[0] in _CONTROL:
        return True
    stripped = text.lstrip(_LEADING_SPACE)
    if not stripped or stripped[0] not in _TRIGGERS:
        return False
    return not _NUMBER.fullmatch(stripped.rstrip())


def safe_cell(value: object) -> object:
    """The value to write into a spreadsheet cell: dangerous text prefixed with ``'``, everything else unchanged."""
    if isinstance(value, str) and is_formula_text(value):
        return PREFIX + value
    return value


def restore_cell(value: object) -> object:
    """Inverse of :func:`safe_cell` for a cell read back from one of our own files."""
    if isinstance(value, str) and value.startswith(PREFIX) and is_formula_text(value[1:]):
        return value[1:]
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table with every text cell, column name and index label neutralised (numbers untouched)."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    if not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(safe_cell)
    return out
