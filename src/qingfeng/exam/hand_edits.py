"""Reading an answer cell that a person edited by hand, without running it.

The strict reader (:func:`.answers.read_answer`) takes ``作答 = "AC"`` as
the template means it.  People who have never programmed type elsewhere:
on the empty line under the template, after the ``#`` hint, without quotes,
or over the whole line.  This module reads such a cell line by line as
*text*:

* the template's own hint (``在引号中填写……``) is dropped, whatever follows
  it on the comment line is the candidate's;
* ``作答 = 对`` (no quotes) and a bare ``对`` on any line are the text ``对``;
* quotes and brackets that do not pair up are stripped
  (``作答 = ["风险因素", "风险事故"`` reads as two blanks);
* a line that parses as code (a call, an import, ``del``, an assignment to
  something else, string arithmetic …) makes the whole cell ``not_literal``:
  it is never run and never guessed at;
* an answer in the quotes *and* another one elsewhere is ``unclear``: a
  person must decide, the examiner's report lists it.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize

from ..chinese_text import compact
from .answers import ANSWER_NAME, NOT_LITERAL, TEMPLATE_HINTS, blanks_hint, UNCLEAR, AnswerRead, answer_of, literal_value

__all__ = ["read_hand_edited", "strip_hint", "looks_like_code", "split_comment"]

_ASSIGN = re.compile(rf"^\s*{ANSWER_NAME}\s*[=＝]\s*(.*)$")
# What follows the template's hint on its comment line is the candidate's.
_HINT = re.compile("|".join(re.escape(h) for h in TEMPLATE_HINTS.values()) + "|" + re.escape(blanks_hint(9)).replace("9", r"\d+"))
_QUOTES_BRACKETS = re.compile(r"[\"'“”‘’「」『』\[\]【】]")
_SOLUTION_MARK = re.compile(r"^\s*###\s*(BEGIN|END)\s+SOLUTION\s*$")
_TEXT_NODES = (ast.Module, ast.Expr, ast.Name, ast.Load, ast.Constant, ast.Tuple, ast.List, ast.Set, ast.Attribute,
               ast.UnaryOp, ast.unaryop, ast.operator)


def strip_hint(comment: str) -> str:
    """The candidate's part of a comment: the template's hint removed."""
    text = comment.strip()
    m = _HINT.match(text)
    return text[m.end():].strip() if m else text


def looks_like_code(text: str) -> bool:
    """True when ``text`` parses as Python beyond plain words (``A``, ``A, C``, ``A+C``, ``B.岗位职责``)."""
    try:
        tree = ast.parse(text.strip())
    except (SyntaxError, ValueError):
        return False  # 人员伤亡、财产损失 / A C: not Python at all, so plainly text
    except (MemoryError, RecursionError):
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp):
            if not all(isinstance(side, (ast.Name, ast.Attribute, ast.BinOp)) for side in (node.left, node.right)):
                return True  # "思想道德" + "岗位职责", [..] + [..]: arithmetic on values is code; A+C is not
            continue
        if not isinstance(node, _TEXT_NODES):
            return True
    return False


def _split_comment(line: str) -> tuple[str, str]:
    """(code part, comment text) of one line; a ``#`` inside quotes is not a comment."""
    if "#" not in line:
        return line, ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(line).readline):
            if tok.type == tokenize.COMMENT:
                col = tok.start[1]
                return line[:col], line[col + 1:]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    head, _, tail = line.partition("#")  # unbalanced quotes: the first # starts the comment
    return head, tail


split_comment = _split_comment  # the feedback page shows a cell as typed with the same reading (feedback_answers)


def _as_text(text: str) -> str:
    return " ".join(_QUOTES_BRACKETS.sub(" ", text).split()).strip(",， ")


def _literal_or_none(text: str):
    try:
        return literal_value(ast.parse(text.strip(), mode="eval").body)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return None


def _nonblank(value) -> bool:
    parts = value if isinstance(value, tuple) else (value,)
    return any(compact(p) for p in parts)


def read_hand_edited(source: str, strict: AnswerRead) -> AnswerRead:
    """Read ``source`` line by line as text; ``strict`` is returned when nothing more can be read."""
    quoted = None  # what the template's quotes hold
    typed: list[str] = []  # what was typed outside them
    for line in source.splitlines():
        if _SOLUTION_MARK.match(line):
            continue
        body, comment = _split_comment(line)
        m = _ASSIGN.match(body)
        text = m.group(1).strip() if m else body.strip()
        if text:
            value = _literal_or_none(text) if m else None
            if value is not None:
                quoted = value
            elif looks_like_code(text):
                return AnswerRead(NOT_LITERAL)
            elif _as_text(text):
                typed.append(_as_text(text))
        mine = _as_text(strip_hint(comment)) if comment else ""
        if mine:
            typed.append(mine)
    if quoted is not None and _nonblank(quoted):
        if not typed:
            return answer_of(quoted)
        return AnswerRead(UNCLEAR, _joined(quoted, typed), "引号中和引号外各写了一个答案")
    if not typed:
        return strict
    note = "答案写在了引号之外，已按所写文字读取"
    return answer_of(typed[0] if len(typed) == 1 else tuple(typed), note)


def _joined(quoted, typed: list[str]) -> str:
    parts = list(quoted) if isinstance(quoted, tuple) else [quoted]
    return " / ".join([p for p in parts if compact(p)] + typed)
