"""Paper answer sheets: one row per candidate, transcribed into Excel.

Columns come from the paper's key, in paper order: ``编号``, optional
``姓名``, then ``选择3`` for a choice or judgement item, ``填空1-2`` for the
second blank of fill-in item 1, and ``简答2（满分5）`` for the score a marker
gave a subjective item on paper.  Rows are marked with the same scoring
functions as notebooks and recorded through the same gradebook writer, so
statistics treat paper and notebook candidates alike.  The sheet is all or
nothing: rows are marked and written while the rest is read (one
transaction), and a problem anywhere rolls every row back.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..ids import id_key
from ..spreadsheet import RowError, SheetError, atomic_path, safe_cell
from ..spreadsheet.collector import collector_paused
from .answer_sheet_rows import SheetRow, iter_answer_rows, open_answer_sheet
from .fast_marking import MarkReport, commit, marking_session
from .gradebook_writer import MarkedSubmission
from .keys import ExamKey, item_labels, read_key
from .kept_answers import NewAnswers
from .paper_notebooks import remove_notebooks
from .roster import load_roster
from .sheet_choices import ONLINE, SHEET, load_choices, online_students, record, save_choices

__all__ = ["SheetColumn", "sheet_columns", "write_sheet_template", "mark_sheets"]

@dataclass(frozen=True)
class SheetColumn:
    header: str
    item_id: str
    kind: str  # item type
    blank: int = 0  # 1-based blank number for 填空
    max_points: float = 0.0


def sheet_columns(key: ExamKey) -> list[SheetColumn]:
    labels = item_labels(key)
    cols: list[SheetColumn] = []
    for k in key.items:
        e, label = k.entry, labels[k.entry.item_id]
        if e.type == "填空" and len(e.blanks) > 1:
            cols += [SheetColumn(f"{label}-{b}", e.item_id, e.type, b) for b in range(1, len(e.blanks) + 1)]
        elif e.type in ("简答", "论述"):
            cols.append(SheetColumn(f"{label}（满分{e.points:g}）", e.item_id, e.type, 0, e.points))
        else:
            cols.append(SheetColumn(label, e.item_id, e.type, 1 if e.type == "填空" else 0))
    return cols


def write_sheet_template(key: ExamKey, path: Path) -> None:
    from openpyxl import Workbook  # here: reading a sheet never needs openpyxl (0.15 s at every mark --sheets)
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "答题卡"
    heads = ["编号", "姓名"] + [c.header for c in sheet_columns(key)]
    ws.append([safe_cell(h) for h in heads])
    fill = PatternFill("solid", fgColor="4F6D7A")
    for i, h in enumerate(heads, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), fill
        ws.column_dimensions[get_column_letter(i)].width = max(8, len(h) * 2 + 2)
    ws["A1"].comment = Comment("考生编号，须与考生名单一致（必填）", "清风")
    ws.freeze_panes = "C2"
    help_ws = wb.create_sheet("填写说明")
    for line in (f"试卷：{key.title}（{key.exam_id}）", "一行一名考生，照答卷原样录入，未作答的留空。",
                 "选择题填字母（多选如 AC）；判断题填 对 或 错（√/× 也可）；填空题每空一列，填考生所写的字。",
                 "简答、论述题填阅卷人在纸上给出的得分（数字，不超过满分）。",
                 "整表校验通过后才会记入成绩库；有错时会指出第几行、哪一列。"):
        help_ws.append([safe_cell(line)])
    help_ws.column_dimensions["A"].width = 90
    with atomic_path(path) as tmp:
        wb.save(tmp)


class _Refused(Exception):
    """The sheet was found faulty after some of its rows were written: the transaction is rolled back."""


def _undecided_error(undecided: list[SheetRow]) -> RowError:
    listed = "、".join(f"{r.student}（第 {r.row} 行）" for r in undecided[:50]) + ("等" if len(undecided) > 50 else "")
    return RowError(None, "编号", f"{len(undecided)} 名考生既有在线提交又有答题卡记录：{listed}。"
                                  "请确认以哪一份为准后重新运行，加 --prefer sheet（以答题卡为准）"
                                  "或 --prefer online（以在线提交为准）")


def _record(project, exam_id: str, marked: Iterator[MarkedSubmission], report: MarkReport, refuse_if_faulty) -> None:
    # None: the whole sheet was read and nothing is to be recorded (all online, or wrong from its first rows): no backup
    first = next(marked, None)
    if first is None:
        return
    with marking_session(project, exam_id) as (ctx, cmap, _stale):
        try:
            commit(project, ctx, cmap, itertools.chain((first,), marked), report, notebooks=False,
                   before_commit=refuse_if_faulty, comments=False)
        except BaseException as e:  # refused, or the file found damaged part way: the transaction was rolled back
            if report.backup is not None:
                report.backup.unlink(missing_ok=True)  # the gradebook is as it was: so is the folder
                report.backup = None
            if not isinstance(e, _Refused):
                raise


def mark_sheets(project, exam_id: str, path: Path, prefer: str | None = None) -> tuple[MarkReport, list[RowError]]:
    """Read, check and record the sheet in one transaction; any problem, or a candidate with an online
    submission and no ``prefer``, refuses the whole sheet and leaves gradebook and folder as they were."""
    if prefer not in (None, SHEET, ONLINE):
        raise ValueError(f"--prefer 只能是 {SHEET} 或 {ONLINE}")
    report = MarkReport(exam_id)
    from .key_integrity import verify_key
    from .registry import require_exam

    require_exam(project, exam_id)
    verify_key(project.exams_dir, exam_id)
    key = read_key(project.exams_dir, exam_id)
    sheet, errors = open_answer_sheet(path, sheet_columns(key))
    if sheet is None:
        return report, errors
    online, choices = online_students(project, exam_id), load_choices(project, exam_id)
    undecided: list[SheetRow] = []
    at = dt.datetime.now().isoformat(timespec="seconds")  # this import's time, for every candidate it records

    def accepted() -> Iterator[MarkedSubmission]:
        """Rows marked as they are read; once any row is wrong nothing more is sent (and all is rolled back)."""
        for r in iter_answer_rows(sheet, key, {id_key(c.id): c.id for c in load_roster(project)}, errors):
            k = id_key(r.student)
            if k not in online:
                record(choices, r.student, SHEET, path.name, at)
            elif prefer:
                record(choices, r.student, prefer, path.name, at)
            elif k not in choices:
                undecided.append(r)
            if errors or undecided:
                continue
            if k in online:
                report.sources[r.student] = choices[k]["source"]
            if choices[k]["source"] != SHEET:
                continue
            answers.add(r.student, r.kept)  # for answers_path, once the sheet is accepted
            report.marked.append(r.student)
            report.total_points[r.student] = r.total
            yield MarkedSubmission(r.student, None, r.auto, {}, r.manual)

    def refuse_if_faulty() -> None:
        if errors or undecided:
            raise _Refused

    with collector_paused(), NewAnswers(project, exam_id) as answers:
        try:
            _record(project, exam_id, accepted(), report, refuse_if_faulty)
        except SheetError as e:  # damaged after its first rows: every row already written was rolled back
            return MarkReport(exam_id), [RowError(None, "", str(e))]
        if errors or undecided:
            return MarkReport(exam_id), errors + ([_undecided_error(undecided)] if undecided else [])
        remove_notebooks(project, exam_id, answers.keep())  # those made from an older sheet; new ones on request
        save_choices(project, exam_id, choices)
    return report, []
