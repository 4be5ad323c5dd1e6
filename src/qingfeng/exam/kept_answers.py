"""What each paper candidate's answer sheet said, kept as one JSON line per candidate.

``exams/answer_sheets/<exam>.answers.jsonl`` (personal data, not committed,
private like the gradebook) is what notebooks for Formgrader and feedback are
made from (:mod:`.paper_notebooks`) and what statistics read for paper
candidates.  :class:`NewAnswers` writes a sheet's lines while its rows are
marked and puts them in place only once the sheet is accepted; a candidate
in the new sheet replaces their line from an earlier one, everyone else's
line stays as it was.

A 50,000-row sheet repeats the same few answers per item, so each distinct
``"item": value`` is encoded once (:func:`fragment`, remembered by
:mod:`.sheet_items`) and a line is joined from them (:func:`line_of`): the
bytes ``json.dumps`` would write, at a fraction of the cost.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from ..ids import id_key
from ..project import Project
from ..spreadsheet import atomic_path
from .protected_files import protect

__all__ = ["answers_path", "iter_answers", "NewAnswers", "answer_line", "fragment", "line_of"]


def answers_path(project: Project, exam_id: str) -> Path:
    return project.exams_dir / "answer_sheets" / f"{exam_id}.answers.jsonl"


def answer_line(student: str, values: dict[str, object]) -> bytes:
    """One candidate's line (UTF-8, not ASCII-escaped: the file stays readable)."""
    return (json.dumps({"student": student, "values": values}, ensure_ascii=False) + "\n").encode("utf-8")


def iter_answers(project: Project, exam_id: str) -> Iterator[tuple[str, dict[str, object]]]:
    """(student, item id -> value as marked) for every kept sheet row; 填空 values as tuples."""
    path = answers_path(project, exam_id)
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            yield row["student"], {k: tuple(v) if isinstance(v, list) else v for k, v in row["values"].items()}


def fragment(item_id: str, value: object) -> bytes:
    """One ``"item": value`` of a line, as ``json.dumps`` writes it inside the line's object."""
    return (json.dumps(item_id, ensure_ascii=False) + ": " + json.dumps(value, ensure_ascii=False)).encode("utf-8")


def line_of(student: str, fragments: list[bytes]) -> bytes:
    """:func:`answer_line` from the candidate's fragments (:func:`fragment`, in the order of their values)."""
    return b'{"student": ' + json.dumps(student, ensure_ascii=False).encode("utf-8") + b', "values": {' + b", ".join(fragments) + b"}}\n"


class NewAnswers:
    """``with NewAnswers(project, exam) as answers``: :meth:`add` each accepted row's answers (written
    to a temporary file beside the kept ones), then :meth:`keep` puts them in place.  Not kept:
    nothing changes."""

    def __init__(self, project: Project, exam_id: str):
        self.project, self.exam_id = project, exam_id
        self.path = answers_path(project, exam_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._new = self.path.with_name(f".{self.path.stem}.{os.getpid()}.new{self.path.suffix}")
        self._out = self._new.open("wb", buffering=1 << 20)  # few writes: each one lets the gradebook writer take the GIL
        self.students: list[str] = []

    def __enter__(self) -> NewAnswers:
        return self

    def __exit__(self, *exc) -> None:
        self._out.close()
        self._new.unlink(missing_ok=True)  # kept: already renamed

    def add(self, student: str, fragments: list[bytes]) -> None:
        """One candidate's line from their answers' fragments (:func:`fragment`)."""
        self._out.write(line_of(student, fragments))
        self.students.append(student)

    def keep(self) -> list[str]:
        """Put the new lines in place; returns the candidates whose answers they are."""
        self._out.close()
        if not self.students:
            return []
        if self.path.is_file():  # earlier candidates first, as they were, then this sheet's
            new = {id_key(s) for s in self.students}
            with atomic_path(self.path) as tmp:
                with tmp.open("wb") as out:
                    for student, values in iter_answers(self.project, self.exam_id):  # streamed
                        if id_key(student) not in new:
                            out.write(answer_line(student, values))
                    with self._new.open("rb") as fh:
                        shutil.copyfileobj(fh, out)
                protect(tmp, self.project)
        else:
            protect(self._new, self.project)
            os.replace(self._new, self.path)
        return self.students
