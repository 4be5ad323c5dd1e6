"""Paper candidates' answers, kept compactly, and their autograded notebooks made on request.

``qingfeng mark --sheets`` records the marks in the gradebook and keeps what
each candidate's sheet said (:mod:`.kept_answers`).  It does not write an autograded notebook per candidate: the
sample paper's is 64 KB, so 50,000 paper candidates would be 3 GB and most
of the import's time.  The notebook Formgrader shows and feedback renders is
made from the kept answers, with the very marks the import recorded
(:func:`paper_marks`):

* ``qingfeng exam feedback`` first makes every missing one;
* ``qingfeng exam notebooks EXAM [编号…]`` makes them on request (for Formgrader).

Making a notebook also makes the candidate's empty comment rows (:mod:`.comment_rows`).

A new import of a candidate removes the notebook made from an older sheet,
so nothing shows answers the gradebook no longer holds.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ..chinese_text import compact
from ..ids import child_path, id_key
from ..project import Project
from .answers import AnswerRead
from .keys import ExamKey, read_key
from .kept_answers import iter_answers
from .scoring import ItemScore, score

__all__ = ["PaperScorer", "paper_marks", "make_notebooks", "notebook_path", "remove_notebooks"]

_BATCH = 500  # notebooks staged, then published, at a time


def notebook_path(project: Project, student: str, exam_id: str) -> Path:
    return child_path(project.exams_dir / "autograded", student, exam_id, f"{exam_id}.ipynb")


@lru_cache(maxsize=65536)
def _as_cell(item_id: str, value: object) -> dict:
    """A synthetic answer cell, so formgrader and feedback show what was on the paper (shared: never mutated)."""
    value = list(value) if isinstance(value, tuple) else value
    return {"cell_type": "code", "execution_count": None, "outputs": [], "source": "作答 = " + json.dumps(value, ensure_ascii=False),
            "metadata": {"nbgrader": {"grade_id": f"answer-{item_id}", "solution": True, "grade": False, "locked": False, "schema_version": 3}}}


class PaperScorer:
    """One key's items in paper order, and the scores of answers as typed (``None``: not answered),
    each distinct (item, answer) scored once: a sheet of 50,000 rows repeats the same few answers."""

    def __init__(self, key: ExamKey):
        self.key = key
        # (item id, marked on paper?, answer cell, test cell)
        self.plan = [(k.entry.item_id, k.entry.type in ("简答", "论述"), f"answer-{k.entry.item_id}", f"test-{k.entry.item_id}")
                     for k in key.items]
        self.score = lru_cache(maxsize=None)(self._score)

    def _score(self, iid: str, value: object) -> ItemScore:
        e = self.key.item(iid).entry
        blank = value is None or (isinstance(value, tuple) and not any(compact(v) for v in value))
        return score(e, AnswerRead("empty")) if blank else score(e, AnswerRead("ok", value))


def paper_marks(scorer: PaperScorer, values: dict[str, object], with_cells: bool = True):
    """One sheet row's ``(scores, auto, manual, cells)``: what the gradebook records and the notebook shows."""
    scores: dict[str, ItemScore] = {}
    auto: dict[str, float] = {}
    manual: dict[str, float] = {}
    cells: dict[str, dict] = {}
    for iid, subjective, answer_cell, test_cell in scorer.plan:
        value = values.get(iid)
        if subjective:
            if value is not None:
                manual[answer_cell] = float(value)
            else:
                auto[answer_cell] = 0.0
            continue
        scores[iid] = s = scorer.score(iid, value)
        auto[test_cell] = s.points
        if with_cells:
            cells[iid] = _as_cell(iid, "" if value is None else value)
    return scores, auto, manual, cells


def remove_notebooks(project: Project, exam_id: str, students: Iterable[str]) -> None:
    """Remove these candidates' notebooks made from an older sheet (a new sheet replaced their answers)."""
    made = project.exams_dir / "autograded"
    present = {e.name for e in os.scandir(made)} if made.is_dir() else set()  # one listing, not a lookup per candidate
    for student in students:
        if student in present:
            try:
                os.unlink(notebook_path(project, student, exam_id))
            except FileNotFoundError:
                pass


def make_notebooks(project: Project, exam_id: str, students: Iterable[str] | None = None, progress=None) -> list[str]:
    """Autograded notebooks of paper candidates (``students``: these, remade; default: every one without one).

    Only candidates whose marks come from their sheet; returns who got one.
    """
    from .autograded_notebook import publish, stage_autograded
    from .comment_rows import ensure_comment_rows
    from .fast_marking import marking_session
    from .gradebook_db import connect, locate
    from .sheet_choices import paper_students

    wanted = None if students is None else {id_key(s) for s in students}
    paper = paper_students(project, exam_id)
    todo = [(s, v) for s, v in iter_answers(project, exam_id) if id_key(s) in paper
            and (id_key(s) in wanted if wanted is not None else not notebook_path(project, s, exam_id).is_file())]
    if not todo:
        return []
    key = read_key(project.exams_dir, exam_id)
    scored = PaperScorer(key)
    made: list[str] = []
    with marking_session(project, exam_id) as (ctx, _cmap, _stale):
        for start in range(0, len(todo), _BATCH):
            batch = todo[start:start + _BATCH]
            for student, values in batch:
                scores, _auto, _manual, cells = paper_marks(scored, values)
                stage_autograded(ctx, student, None, cells, scores)
            publish(project, exam_id, Path(ctx.staging), [s for s, _ in batch])
            made += [s for s, _ in batch]
            if progress:
                progress(len(batch))
        with connect(locate(project)) as con, con.begin():  # Formgrader and feedback show a comment per cell
            ensure_comment_rows(con, exam_id, made)
    return made
