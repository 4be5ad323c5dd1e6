"""Answers the system could not read: never a silent zero.

After ``qingfeng mark`` or ``qingfeng exam autograde``, :func:`find_unreadable`
goes through the collected submissions with the marking reader and lists
every objective answer that scored 0 because it could not be read (edited
into code, broken beyond reading, two different answers in one cell, a
deleted answer cell, no option letter or 对/错 to be found), and every
填空 item whose whole answer sits in the first blank, holding the answers
of two or more blanks run together without 、or spaces.  :func:`write_report` puts the list into an
Excel file with Chinese headers next to the submissions
(``exams/reports/<试卷>-需人工核对的作答.xlsx``), so the examiner can mark
those items by hand (``qingfeng exam grade`` or Formgrader).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..chinese_text import compact
from ..project import Project
from .answers import AnswerRead, blank_key, blank_texts, read_answer
from .cell_marking import answer_sources
from .keys import item_labels, read_key
from .scoring import score

__all__ = ["Unreadable", "find_unreadable", "write_report", "report_path", "HEADERS", "REASONS"]

REASONS = {
    "not_literal": "作答格被改成了程序代码（未运行）",
    "unreadable": "读不出答案",
    "unclear": "一个作答格里有两个不同的答案",
    "missing": "作答格被删除",
    "crammed": "几个空的答案都写在了第 1 空里",
}
HEADERS = ("考生编号", "题号", "题目编号", "原因", "说明", "作答格内容", "系统记分", "满分")
MAX_CELL_TEXT = 500


@dataclass(frozen=True)
class Unreadable:
    student: str
    label: str  # 选择3
    item_id: str
    reason: str  # a key of REASONS
    detail: str
    cell_text: str
    points: float
    max_points: float

    def row(self) -> tuple:
        text = self.cell_text if len(self.cell_text) <= MAX_CELL_TEXT else self.cell_text[:MAX_CELL_TEXT] + "……"
        return (self.student, self.label, self.item_id, REASONS[self.reason], self.detail, text, self.points, self.max_points)


def report_path(project: Project, exam_id: str) -> Path:
    return project.exams_dir / "reports" / f"{exam_id}-需人工核对的作答.xlsx"


def _crammed(entry, read: AnswerRead, points: float) -> bool:
    """Several blanks' answers run together in the first: only it is filled, and it holds answers of two or more blanks."""
    n = len(entry.blanks)
    if n < 2 or not read.readable or points:
        return False
    texts = blank_texts(read.value, n)
    if not compact(texts[0]) or any(compact(t) for t in texts[1:]):
        return False
    written = blank_key(texts[0])
    holds = sum(any(blank_key(a) and blank_key(a) in written for a in accepted) for accepted, _ in entry.blanks)
    return holds >= 2


def find_unreadable(project: Project, exam_id: str) -> list[Unreadable]:
    from ..ids import IdError, check_person_id
    from .fast_marking import MAX_NOTEBOOK_BYTES
    from .submission_folders import discover

    key = read_key(project.exams_dir, exam_id)
    labels = item_labels(key)
    out: list[Unreadable] = []
    for student, folder in discover(project, exam_id):
        path = folder / f"{exam_id}.ipynb"
        try:  # what marking refuses (bad 编号, links, oversized files) it reports itself; not read here either
            if check_person_id(student, "考生编号") != student or folder.is_symlink() or path.is_symlink():
                continue
            if path.stat().st_size > MAX_NOTEBOOK_BYTES:
                continue
            nb = json.loads(path.read_text(encoding="utf-8"))
            sources = answer_sources(nb)
        except (IdError, OSError, ValueError, UnicodeDecodeError, AttributeError, TypeError):
            continue  # the marking run names broken submissions itself
        for k in key.items:
            entry = k.entry
            if entry.type in ("简答", "论述"):
                continue
            src = sources.get(entry.item_id)
            read = read_answer(src) if src is not None else AnswerRead("missing")
            result = score(entry, read)
            reason = result.status if result.status in REASONS else None
            if reason is None and entry.type == "填空" and _crammed(entry, read, result.points):
                reason = "crammed"
            if reason:
                out.append(Unreadable(student, labels[entry.item_id], entry.item_id, reason, result.detail,
                                      (src or "").strip(), result.points, result.max_points))
    return out


def write_report(rows: list[Unreadable], path: Path) -> Path:
    """The examiner's list as .xlsx (or .csv by suffix), written whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    if path.suffix.lower() == ".csv":
        from ..spreadsheet import write_csv

        write_csv(tmp, HEADERS, (r.row() for r in rows))  # formula-safe: cell text is the candidate's
    else:
        from openpyxl import Workbook

        from ..spreadsheet import safe_cell

        wb = Workbook()
        ws = wb.active
        ws.title = "需人工核对"
        ws.append(HEADERS)
        for r in rows:
            ws.append([safe_cell(v) for v in r.row()])  # the cell text is the candidate's: never a live formula
        for col, width in zip("ABCDEFGH", (12, 10, 12, 28, 40, 50, 10, 8)):
            ws.column_dimensions[col].width = width
        ws.freeze_panes = "A2"
        wb.save(tmp)
    tmp.replace(path)
    return path
