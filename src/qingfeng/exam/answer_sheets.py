"""Paper answer sheets: one row per candidate, transcribed into Excel.

Columns come from the paper's key, in paper order: ``编号``, optional
``姓名``, then ``选择3`` for a choice or judgement item, ``填空1-2`` for the
second blank of fill-in item 1, and ``简答2（满分5）`` for the score a marker
gave a subjective item on paper.  Rows are validated all or nothing, then
marked with the same scoring functions as notebooks and recorded through the
same gradebook writer, so statistics treat paper and notebook candidates alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..chinese_text import id_text, normalise
from ..ids import IdError, check_person_id, id_key
from ..spreadsheet import RowError, SheetError, atomic_path, read_table, safe_cell, score_cell
from .answers import choice_letters, judgement
from .fast_marking import MarkReport, commit, marking_session
from .gradebook_writer import MarkedSubmission
from .keys import ExamKey, item_labels, read_key
from .paper_notebooks import paper_marks, save_answers, scorer
from .roster import load_roster
from .sheet_choices import ONLINE, SHEET, load_choices, online_students, record, save_choices

__all__ = ["SheetColumn", "sheet_columns", "write_sheet_template", "read_answer_sheet", "mark_sheets"]

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


@dataclass
class SheetRow:
    row: int
    student: str
    values: dict[str, object]  # item id -> answer value (str, tuple for 填空, float for subjective)


def _check_cell(col: SheetColumn, key: ExamKey, text: str) -> str | None:
    """An error message for an unreadable cell, or None."""
    e = key.item(col.item_id).entry
    if col.kind in ("单选", "多选"):
        letters = choice_letters(text, dict(e.options))
        if letters is None:
            return f"“{text}”不是本题的选项（{'、'.join(k for k, _ in e.options)}）"
        if col.kind == "单选" and len(letters) > 1:
            return f"单选题只能有一个选项，录入了“{text}”"
    elif col.kind == "判断" and judgement(text) is None:
        return f"“{text}”不是判断（请填 对 或 错）"
    return None


def _header_key(h: str) -> str:
    """Headers as typed, full-width forms folded (填空１－２, 简答２(满分５) → 填空1-2, 简答2（满分5）)."""
    return id_text(h).replace(" ", "").replace("(", "（").replace(")", "）")


def _cell_text(raw: object) -> str:
    return "" if raw is None else normalise(raw if isinstance(raw, str) else str(raw))


def read_answer_sheet(path: Path, key: ExamKey, known: dict[str, str]) -> tuple[list[SheetRow], list[RowError]]:
    """Rows of the sheet; ``known`` maps :func:`id_key` of each roster 编号 to its spelling (empty: no roster)."""
    try:
        table = read_table(path, "答题卡")
    except SheetError as e:
        return [], [RowError(None, "", str(e))]
    cols = {c.header: c for c in sheet_columns(key)}
    heads = {_header_key(h): h for h in table.headers if h}
    errors = [RowError(None, h, "缺少这一列（请用 qingfeng exam sheet-template 生成的答题卡表）") for h in ["编号", *cols] if h not in heads]
    if errors:
        return [], errors
    check = lru_cache(maxsize=None)(lambda header, text: _check_cell(cols[header], key, text))
    plan = [(heads[h], h, c) for h, c in cols.items()]
    rows, seen = [], {}
    for row_no, cells in table.rows:
        sid = id_text(cells.get(heads["编号"]))
        errs = []
        if not sid:
            errs.append(RowError(row_no, "编号", "不能为空"))
        else:
            try:
                sid = check_person_id(sid)
            except IdError as e:
                errs.append(RowError(row_no, "编号", str(e)))
            else:
                if known and id_key(sid) not in known:
                    errs.append(RowError(row_no, "编号", f"“{sid}”不在考生名单中"))
                elif id_key(sid) in seen:
                    first, row_first = seen[id_key(sid)]
                    same = "" if first == sid else f"（“{first}”与“{sid}”只差大小写，是同一考生）"
                    errs.append(RowError(row_no, "编号", f"与第 {row_first} 行重复{same}"))
                elif known:
                    sid = known[id_key(sid)]  # the roster's spelling
        values: dict[str, object] = {}
        for source, header, col in plan:
            text = _cell_text(cells.get(source))
            if col.kind in ("简答", "论述"):
                pts, problem = score_cell(text, col.max_points)
                if problem:
                    errs.append(RowError(row_no, header, problem))
                elif pts is not None:
                    values[col.item_id] = pts
            elif col.kind == "填空":
                blanks = list(values.get(col.item_id, ()))
                blanks += [""] * (col.blank - len(blanks))
                blanks[col.blank - 1] = text
                values[col.item_id] = tuple(blanks)
            elif text:
                problem = check(header, text)
                if problem:
                    errs.append(RowError(row_no, header, problem))
                values[col.item_id] = text
        if errs:
            errors += errs
            continue
        seen[id_key(sid)] = (sid, row_no)
        rows.append(SheetRow(row_no, sid, values))
    errors += table.problems  # merged and formula cells, known once every row is read
    return rows, errors


def _conflicts(project, exam_id: str, rows: list[SheetRow], prefer: str | None, sheet: str) -> tuple[dict, list[RowError]]:
    """Which source each candidate with both an online submission and a sheet row is marked from."""
    online = online_students(project, exam_id)
    choices = load_choices(project, exam_id)
    undecided = []
    for r in rows:
        k = id_key(r.student)
        if k not in online:
            record(choices, r.student, SHEET, sheet)
        elif prefer:
            record(choices, r.student, prefer, sheet)
        elif k not in choices:
            undecided.append(r)
    if undecided:
        listed = "、".join(f"{r.student}（第 {r.row} 行）" for r in undecided[:50]) + ("等" if len(undecided) > 50 else "")
        return choices, [RowError(None, "编号", f"{len(undecided)} 名考生既有在线提交又有答题卡记录：{listed}。"
                                                "请确认以哪一份为准后重新运行，加 --prefer sheet（以答题卡为准）"
                                                "或 --prefer online（以在线提交为准）")]
    return choices, []


def mark_sheets(project, exam_id: str, path: Path, prefer: str | None = None) -> tuple[MarkReport, list[RowError]]:
    """Validate the whole sheet, settle paper-vs-online, then mark and record (all or nothing)."""
    if prefer not in (None, SHEET, ONLINE):
        raise ValueError(f"--prefer 只能是 {SHEET} 或 {ONLINE}")
    report = MarkReport(exam_id)
    from .key_integrity import verify_key
    from .registry import require_exam

    require_exam(project, exam_id)
    verify_key(project.exams_dir, exam_id)
    key = read_key(project.exams_dir, exam_id)
    rows, errors = read_answer_sheet(path, key, {id_key(c.id): c.id for c in load_roster(project)})
    if errors:
        return report, errors
    choices, errors = _conflicts(project, exam_id, rows, prefer, path.name)
    if errors:
        return report, errors
    online = online_students(project, exam_id)
    for r in rows:
        if id_key(r.student) in online:
            report.sources[r.student] = choices[id_key(r.student)]["source"]
    rows = [r for r in rows if choices[id_key(r.student)]["source"] == SHEET]
    scored = scorer(key)

    def marked():  # one candidate's rows at a time: 50,000 sheets are never held twice
        for r in rows:
            scores, auto, manual, _cells = paper_marks(key, r.values, scored, with_cells=False)
            report.marked.append(r.student)
            report.total_points[r.student] = sum(s.points for s in scores.values()) + sum(manual.values())
            yield MarkedSubmission(r.student, None, auto, {}, manual)

    with marking_session(project, exam_id) as (ctx, cmap, _stale):
        if rows:
            commit(project, ctx, cmap, marked(), report, notebooks=False)
            save_answers(project, exam_id, ((r.student, r.values) for r in rows))  # notebooks: made on request
    save_choices(project, exam_id, choices)
    return report, []
