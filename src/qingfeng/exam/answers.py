"""Reading a candidate's answer cell without running it.

An answer cell holds one line such as ``作答 = "AC"``.  The cell is parsed
with :mod:`ast` and only plain literals are accepted: strings, numbers and
lists/tuples of them.  Anything else is reported, never executed.  Both the
nbgrader test cells and ``qingfeng mark`` read answers through here, so
they always agree.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..chinese_text import compact

__all__ = ["ANSWER_NAME", "MAX_ANSWER_CHARS", "AnswerRead", "read_answer", "choice_letters", "judgement", "blank_texts",
           "blank_key"]

ANSWER_NAME = "作答"
MAX_ANSWER_CHARS = 2000  # longer answers are cut before matching (a pasted essay, a runaway string)

# status values
OK, EMPTY, MISSING, SYNTAX, NOT_LITERAL = "ok", "empty", "missing", "syntax_error", "not_literal"


@dataclass(frozen=True)
class AnswerRead:
    status: str
    value: object = None  # str, or tuple of str, when status is ok

    @property
    def readable(self) -> bool:
        return self.status == OK


def _literal(node: ast.AST) -> object:
    value = ast.literal_eval(node)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)[:MAX_ANSWER_CHARS]
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        return tuple(str(v)[:MAX_ANSWER_CHARS] for v in value[:50])
    raise ValueError("not a plain literal")


def read_answer(source: str | None) -> AnswerRead:
    """The answer a cell's source assigns, read statically.

    The last ``NAME = literal`` wins (a candidate who changed their mind).
    Any statement other than such assignments or a bare string makes the cell
    ``not_literal``: it has been edited into code and is not trusted.
    """
    if source is None:
        return AnswerRead(MISSING)
    if len(source) > 100 * MAX_ANSWER_CHARS:
        return AnswerRead(NOT_LITERAL)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return AnswerRead(SYNTAX)
    value: object = None
    found = False
    for stmt in tree.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            continue  # a stray docstring-like string is harmless
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            try:
                value = _literal(stmt.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                return AnswerRead(NOT_LITERAL)
            found = True
            continue
        return AnswerRead(NOT_LITERAL)
    if not found:
        return AnswerRead(EMPTY)
    if value == "" or (isinstance(value, tuple) and all(not compact(v) for v in value)):
        return AnswerRead(EMPTY, value)
    return AnswerRead(OK, value)


_SEPARATORS = re.compile(r"[\s,，、;；/|.。+()（）\[\]【】和及与选]+")
_TRUE = {"对", "√", "✓", "✔", "正确", "是", "T", "TRUE", "Y", "YES", "V", "1"}
_FALSE = {"错", "×", "✗", "✘", "错误", "否", "F", "FALSE", "N", "NO", "X", "0", "不对", "不正确"}


def choice_letters(value: object, options: dict[str, str]) -> frozenset[str] | None:
    """Letters chosen, from 'A,C', 'ac', 'Ａ、Ｃ', ['A', 'C'] — or an option's exact text.

    Returns None when the answer cannot be read as options of this item.
    """
    parts = value if isinstance(value, tuple) else (value,)
    text = "".join(compact(p) for p in parts)
    by_text = {compact(t): k for k, t in options.items()}
    if text in by_text:
        return frozenset({by_text[text]})
    letters = _SEPARATORS.sub("", text.upper())
    if not letters or any(ch not in options for ch in letters):
        return None
    return frozenset(letters)


def judgement(value: object) -> str | None:
    """'对' or '错' from 对/√/正确/T/… and 错/×/错误/F/…; None if unreadable."""
    if isinstance(value, tuple):
        value = "".join(value)
    text = compact(value).upper().strip("()（）[]【】。.")
    if text in _TRUE:
        return "对"
    if text in _FALSE:
        return "错"
    return None


_PUNCT = re.compile(r"[\"'“”‘’「」『』（）()\[\]【】《》<>。．.，,、；;：:！!？?…—\-_~·]+")


def blank_key(text: object) -> str:
    """The form in which a blank's answer and its accepted answers are compared."""
    return _PUNCT.sub("", compact(text)).lower()


def blank_texts(value: object, n_blanks: int) -> list[str]:
    """The candidate's text for each blank, padded with '' to ``n_blanks``.

    A single string for several blanks is split on 、，; and spaces, so
    ``"人员伤亡、财产损失、经济损失"`` fills three blanks.
    """
    if isinstance(value, tuple):
        parts = list(value)
    elif n_blanks > 1:
        parts = [p for p in re.split(r"[、,，;；\s]+", str(value).strip()) if p]
    else:
        parts = [str(value)]
    parts = parts[:n_blanks]
    return parts + [""] * (n_blanks - len(parts))
