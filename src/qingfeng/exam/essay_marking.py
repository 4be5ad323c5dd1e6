"""Marking one 简答/论述 question across all candidates in a row (the logic behind the marking notebook).

A :class:`MarkingSession` lists the hand-marked questions of an exam — for an
A/B sitting, each bank item once, with the candidates of every variant that
carries it — and for each question every candidate's answer text (read
statically from the collected notebook), the score already in the gradebook,
and a :mod:`.essay_suggest` suggestion.  Marks are written only by
:meth:`MarkingSession.save`, i.e. when the marker says so, through
:func:`.manual_marks.record_marks` (all checked, one transaction).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..bank import Item, load_bank
from ..ids import child_path
from ..project import Project
from .cell_marking import answer_sources
from .essay_suggest import Suggestion, suggest
from .keys import item_labels, read_key
from .manual_marks import Mark, record_marks
from .sitting import exam_variants

__all__ = ["EssayAnswer", "Question", "MarkingSession", "answer_text"]

_STUBS = ("（请在此处作答）", "（请在此处作答：双击本格进入编辑，写完后按 Shift+Enter）")


def answer_text(source: str | None) -> str:
    """What the candidate wrote in a markdown answer cell (the template left untouched counts as nothing)."""
    text = (source or "").strip()
    for stub in _STUBS:
        text = text.replace(stub, "").strip()
    return text


@dataclass
class EssayAnswer:
    student: str
    variant: str  # label, "" for a single paper
    text: str
    score: float | None  # in the gradebook now (None: not yet marked)
    comment: str
    suggestion: Suggestion


@dataclass
class Question:
    item: Item
    titles: dict[str, str]  # variant label -> 简答1 (as numbered on that variant)
    answers: list[EssayAnswer] = field(default_factory=list)

    @property
    def title(self) -> str:
        parts = [f"{t}（{v} 卷）" if v else t for v, t in self.titles.items()]
        return f"{' / '.join(parts)}：{self.item.id}（{self.item.points:g} 分）"

    @property
    def unmarked(self) -> int:
        return sum(1 for a in self.answers if a.score is None)


class MarkingSession:
    def __init__(self, project: Project, exam_id: str):
        self.project = project
        self.exam_id = exam_id
        self.variants = exam_variants(project, exam_id)
        bank = load_bank(project.bank_dir).items
        self.questions: list[Question] = []
        by_id: dict[str, Question] = {}
        for label, vid in self.variants:
            key = read_key(project.exams_dir, vid)
            labels = item_labels(key)
            marks = self._gradebook(vid)
            subjective = [k.entry.item_id for k in key.items if k.entry.type in ("简答", "论述")]
            for iid in subjective:
                if iid not in by_id:
                    by_id[iid] = Question(bank[iid], {})
                    self.questions.append(by_id[iid])
                by_id[iid].titles[label] = labels[iid]
            for student, sources in sorted(self._submissions(vid).items()):
                for iid in subjective:
                    text = answer_text(sources.get(iid))
                    score, comment = marks.get((student, f"answer-{iid}"), (None, ""))
                    if (student, f"answer-{iid}") not in marks:
                        continue  # not marked by qingfeng mark yet: nothing to hand-mark against
                    by_id[iid].answers.append(EssayAnswer(student, label, text, score, comment, suggest(bank[iid].rubric, text)))

    def _submissions(self, exam_id: str) -> dict[str, dict[str, str]]:
        out = {}
        root = self.project.exams_dir / "submitted"
        for folder in sorted(root.glob(f"*/{exam_id}")) if root.is_dir() else ():
            path = child_path(folder, f"{exam_id}.ipynb")
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            out[folder.parent.name] = answer_sources(nb)
        return out

    def _gradebook(self, exam_id: str) -> dict[tuple[str, str], tuple[float | None, str]]:
        from .gradebook_db import connect, driver_query, locate

        db = locate(self.project)   # SQLite or PostgreSQL, whichever the course uses
        if db.sqlite_path is not None and not db.sqlite_path.is_file():
            return {}
        with connect(db, readonly=True) as con:
            rows = driver_query(con,
                """SELECT sa.student_id, b.name, g.manual_score, g.needs_manual_grade,
                          (SELECT c.manual_comment FROM comment c WHERE c.notebook_id = g.notebook_id AND c.cell_id = g.cell_id)
                   FROM grade g JOIN base_cell b ON b.id = g.cell_id JOIN submitted_notebook sn ON sn.id = g.notebook_id
                   JOIN submitted_assignment sa ON sa.id = sn.assignment_id JOIN assignment a ON a.id = sa.assignment_id
                   WHERE a.name = ? AND b.name LIKE 'answer-%%'""", (exam_id,)).fetchall()
        return {(s, name): (manual if manual is not None and not needs else None, comment or "") for s, name, manual, needs, comment in rows}

    def question(self, item_id: str) -> Question:
        return next(q for q in self.questions if q.item.id == item_id)

    def save(self, item_id: str, marks: dict[str, tuple[float, str]]):
        """Write the marker's scores {student: (score, comment)} for one question; returns (written, errors)."""
        q = self.question(item_id)
        written, errors = record_marks(self.project, self.exam_id,
                                       [Mark(s, item_id, score, comment, None, f"考生 {s}") for s, (score, comment) in marks.items()])
        if not errors:
            for a in q.answers:
                if a.student in marks:
                    a.score, a.comment = float(marks[a.student][0]), marks[a.student][1]
        return written, errors
