"""Identifiers that become folder names, nbgrader ids and Hub user names: one rule, checked once.

Every id a person types (an exam id, a candidate's 编号 from a roster, an
answer sheet or the exchange) passes :func:`check_exam_id` or
:func:`check_person_id` before anything is built from it, and every path
made from an id goes through :func:`child_path`, which refuses to leave its
folder.  Patterns use ``\\A…\\Z`` so a trailing newline never slips through
(``$`` matches before one).

Person ids are compared case-insensitively (:func:`id_key`): JupyterHub
lower-cases user names, so ``R003`` and ``r003`` are the same person.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

__all__ = ["IdError", "EXAM_ID", "PERSON_ID", "check_exam_id", "check_person_id", "id_key", "child_path"]

EXAM_ID = re.compile(r"\A[a-z0-9][a-z0-9_-]{1,40}\Z")
# Starts with a letter or digit (so never "." or ".."), no path separators, no control characters.
PERSON_ID = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,39}\Z")


class IdError(ValueError):
    """An id that cannot be used; the message is Chinese and names the id."""


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) and any(unicodedata.category(ch)[0] == "C" for ch in value) else f"“{value}”"


def check_exam_id(value: object) -> str:
    """The exam id itself, or IdError: lowercase letters, digits, - and _, 2 to 41 characters."""
    if not isinstance(value, str) or not EXAM_ID.match(value):
        raise IdError(f"试卷编号{_shown(value)}不合适：只能用小写字母、数字、- 和 _，以字母或数字开头，2 至 41 个字符")
    return value


def check_person_id(value: object, field: str = "编号") -> str:
    """A candidate's 编号 (full-width letters and digits folded), or IdError."""
    text = unicodedata.normalize("NFKC", value) if isinstance(value, str) else value
    if not isinstance(text, str) or not PERSON_ID.match(text) or text.endswith("."):
        raise IdError(f"{field}{_shown(value)}不合适：只能含字母、数字、点、下划线和连字符，以字母或数字开头，"
                      "不超过 40 个字符（它将成为考生的账号和文件夹名）")
    return text


def id_key(person_id: str) -> str:
    """What two person ids are compared by: ``R003`` and ``r003`` are one person."""
    return person_id.casefold()


def child_path(folder: Path, *names: str) -> Path:
    """``folder / name / …``, refusing any result outside ``folder`` (after resolving links)."""
    base = Path(folder).resolve()
    target = base.joinpath(*names).resolve()
    if target != base and base not in target.parents:
        raise IdError(f"路径“{'/'.join(names)}”超出了文件夹 {base}，已拒绝")
    return target
