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

__all__ = ["ANSWER_NAME", "MAX_ANSWER_CHARS", "AnswerRead", "read_answer", "read_cell", "source_text", "choice_letters", "judgement", "blank_texts",
           "blank_key", "blank_keys", "answer_of", "literal_value", "UNCLEAR", "TEMPLATE_HINTS", "blanks_hint"]

ANSWER_NAME = "作答"
# The hint each answer template carries after its "#" (notebook.answer_template writes them; hand_edits drops them).
TEMPLATE_HINTS = {
    "单选": "在引号中填写一个选项字母，如 \"B\"",
    "多选": "在引号中填写全部正确选项的字母，如 \"AC\"",
    "判断": "在引号中填写 对 或 错",
    "填空": "在引号中填写答案",
}


def blanks_hint(n: int) -> str:
    return f"按顺序在每对引号中填写第 1～{n} 空"

MAX_ANSWER_CHARS = 2000  # longer answers are cut before matching (a pasted essay, a runaway string)

# status values
OK, EMPTY, MISSING, SYNTAX, NOT_LITERAL = "ok", "empty", "missing", "syntax_error", "not_literal"
UNCLEAR = "unclear"  # two different answers in one cell: a person must decide


@dataclass(frozen=True)
class AnswerRead:
    status: str
    value: object = None  # str, or tuple of str, when status is ok
    note: str = ""  # how a hand-edited cell was read (Chinese), "" for the template as meant

    @property
    def readable(self) -> bool:
        return self.status == OK


def literal_value(node: ast.AST) -> object:
    """A plain literal (str, number, or a list/tuple of them) as str or tuple of str; ValueError otherwise."""
    value = ast.literal_eval(node)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)[:MAX_ANSWER_CHARS]
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        return tuple(str(v)[:MAX_ANSWER_CHARS] for v in value[:50])
    raise ValueError("not a plain literal")


def read_answer(source: str | None) -> AnswerRead:
    """The answer a cell's source assigns, read statically.

    The last ``NAME = literal`` wins (a candidate who changed their mind).
    When that strict reading finds no answer, :mod:`.hand_edits` reads what a
    person typed around the template (on a later line, after the comment,
    without quotes).  Anything that looks like code makes the cell
    ``not_literal``: it has been edited into code and is not trusted.
    """
    strict = _read_strict(source)
    if strict.status in (OK, MISSING):
        return strict
    from .hand_edits import read_hand_edited

    return read_hand_edited(source, strict)


def source_text(source: object) -> str:
    """A notebook cell's source as one text (on disk it may be a list of lines)."""
    return "".join(source) if isinstance(source, list) else str(source or "")


def read_cell(cell: dict | None) -> AnswerRead:
    """The answer an answer cell holds (None: the cell was deleted, so the answer is missing)."""
    return read_answer(None if cell is None else source_text(cell.get("source")))


def _read_strict(source: str | None) -> AnswerRead:
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
                value = literal_value(stmt.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                return AnswerRead(NOT_LITERAL)
            found = True
            continue
        return AnswerRead(NOT_LITERAL)
    if not found:
        return AnswerRead(EMPTY)
    return answer_of(value)


def answer_of(value: object, note: str = "") -> AnswerRead:
    """OK, or EMPTY when every part is blank."""
    if value == "" or (isinstance(value, tuple) and all(not compact(v) for v in value)):
        return AnswerRead(EMPTY, value)
    return AnswerRead(OK, value, note)


_SEPARATORS = re.compile(r"[\s,，、;；/|.。+()（）\[\]【】和及与选]+")
_TRUE = {"对", "√", "✓", "✔", "正确", "是", "T", "TRUE", "Y", "YES", "V", "1", "对的", "是的", "正确的", "没错", "对了"}
_FALSE = {"错", "×", "✗", "✘", "错误", "否", "F", "FALSE", "N", "NO", "X", "0", "不对", "不正确", "错的", "不是", "错误的",
          "不对的", "不是的"}
# "B.岗位职责", "B 岗位职责", "（B）岗位职责": an option letter followed by (some of) its text
_LETTER_THEN_TEXT = re.compile(r"^[(（\[【]?([A-Z])[)）\]】]?[.．、:：\-\s]*(.*[\u4e00-\u9fff].*)$")


def choice_letters(value: object, options: dict[str, str]) -> frozenset[str] | None:
    """Letters chosen, from 'A,C', 'ac', 'Ａ、Ｃ', ['A', 'C'], 'B.岗位职责' — or an option's exact text.

    Returns None when the answer cannot be read as options of this item
    (also when a letter comes with another option's text).
    """
    parts = value if isinstance(value, tuple) else (value,)
    text = "".join(compact(p) for p in parts)
    by_text = {compact(t): k for k, t in options.items()}
    if text in by_text:
        return frozenset({by_text[text]})
    letters = _SEPARATORS.sub("", text.upper())
    if letters and all(ch in options for ch in letters):
        return frozenset(letters)
    m = _LETTER_THEN_TEXT.match(text.upper())
    if m and m.group(1) in options:
        said = compact(text[m.start(2):]).strip("。.")
        named = by_text.get(said)
        if named is None or named == m.group(1):
            return frozenset({m.group(1)})
    return None


def judgement(value: object) -> str | None:
    """'对' or '错' from 对/√/正确/对的/T/… and 错/×/错误/不对/F/…; None if unreadable."""
    if isinstance(value, tuple):
        value = "".join(value)
    text = compact(value).upper().replace("\ufe0f", "").strip("()（）[]【】。.!！")
    if text in _TRUE:
        return "对"
    if text in _FALSE:
        return "错"
    return None


_PUNCT = re.compile(r"[\"'“”‘’「」『』（）()\[\]【】《》<>。．.，,、；;：:！!？?…—\-_~·]+")
# "P计划", "D.执行": a PDCA-style letter written in front of the Chinese answer
_LATIN_PREFIX = re.compile(r"^[a-z]{1,2}(?=[\u4e00-\u9fff])")
_BLANK_SPLIT = re.compile(r"[、,，;；\s]+")


def blank_key(text: object) -> str:
    """The form in which a blank's answer and its accepted answers are compared."""
    return _PUNCT.sub("", compact(text)).lower()


def blank_keys(text: object) -> tuple[str, ...]:
    """The forms of one candidate blank to try against the accepted answers: as written, then without a letter prefix."""
    key = blank_key(text)
    bare = _LATIN_PREFIX.sub("", key)
    return (key, bare) if bare != key else (key,)


def blank_texts(value: object, n_blanks: int) -> list[str]:
    """The candidate's text for each blank, padded with '' to ``n_blanks``.

    A single string for several blanks is split on 、，; and spaces, so
    ``"人员伤亡、财产损失、经济损失"`` fills three blanks; so is a list whose
    only filled element holds them all (everything typed into the first quotes).
    """
    if isinstance(value, tuple):
        parts = list(value)
        filled = [p for p in parts if compact(p)]
        if n_blanks > 1 and len(filled) == 1:
            split = _split_blanks(filled[0], n_blanks)
            parts = split if len(split) > 1 else parts
    elif n_blanks > 1:
        parts = [p for p in _BLANK_SPLIT.split(str(value).strip()) if p]
    else:
        parts = [str(value)]
    parts = parts[:n_blanks]
    return parts + [""] * (n_blanks - len(parts))


def _split_blanks(text: str, n_blanks: int) -> list[str]:
    """One blank's text holding several: split on 、，; — on spaces only if that gives exactly one per blank."""
    parts = [p for p in _PUNCT_SPLIT.split(text.strip()) if p]
    if len(parts) > 1:
        return parts
    words = text.split()
    return words if len(words) == n_blanks else [text]


_PUNCT_SPLIT = re.compile(r"\s*[、,，;；]+\s*")
