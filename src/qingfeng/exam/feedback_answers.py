"""A candidate's objective answer as a person reads it, for the feedback page.

The feedback page never shows an answer cell's source (``作答 = "ABD"`` is
Python, and a candidate never sees a line of it).  :func:`readable_answer`
reads the cell with the same static reader marking uses
(:func:`.answers.read_answer`, :mod:`.hand_edits`; nothing is executed) and
says what was read in the paper's own terms:

* 单选/多选: the option letters, ``A、B、D``;
* 判断: ``对`` or ``错``;
* 填空: ``（1）人员伤亡　（2）未填 …``, one entry per blank;
* nothing written: ``未作答``;
* anything the reader cannot take as an answer of this item (edited into
  code, broken quotes, two answers, a letter the item has not got): the text
  as typed, with the template's own parts (the ``作答 =``, the hint, the
  solution markers) left out, and the note that the examiner checks it by
  hand (:mod:`.unreadable` lists exactly these answers for the examiner).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .answers import ANSWER_NAME, AnswerRead, blank_texts, choice_letters, judgement, read_answer
from .hand_edits import split_comment, strip_hint
from .scoring import KeyEntry

__all__ = ["ReadableAnswer", "readable_answer", "typed_text", "UNANSWERED", "UNREADABLE_NOTE"]

UNANSWERED = "未作答"
UNREADABLE_NOTE = "无法识别，已交考官人工核对"
MAX_SHOWN = 300  # characters of an unreadable cell shown back (a pasted essay, a runaway string)

_SOLUTION_MARK = re.compile(r"^\s*###\s*(BEGIN|END)\s+SOLUTION\s*$")
_ASSIGN = re.compile(rf"^\s*{ANSWER_NAME}\s*[=＝]\s*")


@dataclass(frozen=True)
class ReadableAnswer:
    text: str  # what the candidate answered, in Chinese terms (or as typed, when unreadable)
    note: str = ""  # how it was read, or UNREADABLE_NOTE
    readable: bool = True


def typed_text(source: str) -> str:
    """The cell as typed, without the template's ``作答 =``, hint and solution markers."""
    lines = []
    for line in source.splitlines():
        if _SOLUTION_MARK.match(line):
            continue
        body, comment = split_comment(line)
        body = _ASSIGN.sub("", body, count=1).rstrip()
        mine = strip_hint(comment) if comment else ""
        text = "　".join(p for p in (body.strip(), mine) if p)
        if text:
            lines.append(text)
    shown = "\n".join(lines)
    return shown if len(shown) <= MAX_SHOWN else shown[:MAX_SHOWN] + "……"


def _unreadable(source: str | None) -> ReadableAnswer:
    return ReadableAnswer(typed_text(source or "") or "（空）", UNREADABLE_NOTE, readable=False)


def _blanks(value: object, n: int) -> str:
    return "　".join(f"（{i}）{t.strip() or '未填'}" for i, t in enumerate(blank_texts(value, n), start=1))


def readable_answer(source: str | None, entry: KeyEntry) -> ReadableAnswer:
    """What ``source`` answers to the objective item ``entry``, as the feedback page shows it."""
    read: AnswerRead = read_answer(source) if source is not None else AnswerRead("missing")
    if read.status in ("missing", "empty"):
        return ReadableAnswer(UNANSWERED)
    if not read.readable:
        return _unreadable(source)
    if entry.type in ("单选", "多选"):
        letters = choice_letters(read.value, dict(entry.options))
        if letters is None:
            return _unreadable(source)
        return ReadableAnswer("、".join(sorted(letters)), read.note)
    if entry.type == "判断":
        said = judgement(read.value)
        return ReadableAnswer(said, read.note) if said else _unreadable(source)
    if entry.type == "填空":
        return ReadableAnswer(_blanks(read.value, len(entry.blanks)), read.note)
    return _unreadable(source)
