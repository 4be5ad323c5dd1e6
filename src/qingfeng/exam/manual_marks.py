"""Hand marks for 简答/论述 recorded in bulk: many marks, one gradebook transaction.

Marks come from the command line (``qingfeng exam grade EXAM c01 YM-JD-01 4 c02 …``),
from an xlsx/csv table (编号 + one column per item, named by bank id or as
people name it, 简答1; optional ``简答1评语`` columns), or from the marking
notebook.  Everything is checked first — the candidate submitted, the item is
a hand-marked item of their paper, the score is within 0～满分 — and written
only if every mark is good: one error, nothing written, each error naming its
row and column.  The gradebook is backed up before the write; rows are the
ones formgrader writes (``grade.manual_score``, ``needs_manual_grade``,
``comment.manual_comment``).  In an A/B sitting each candidate's marks go to
the variant they submitted, and ``简答1`` means that variant's 简答1.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..project import Project
from ..spreadsheet import RowError, SheetError, read_table, score_cell
from .gradebook_db import connect, driver_query, locate, submitted_notebooks
from .gradebook_writer import backup
from .keys import item_labels, read_key
from .sitting import exam_variants

__all__ = ["Mark", "read_marks_table", "check_marks", "record_marks", "parse_triples"]


@dataclass(frozen=True, slots=True)  # slots: a 50,000-row table is 400,000 marks
class Mark:
    student: str
    item: str  # bank item id or label (简答1)
    score: float | str  # str until checked (as typed)
    comment: str = ""
    row: int | None = None  # where it came from, for error messages
    column: str = ""


def parse_triples(args: tuple[str, ...], comment: str = "") -> tuple[list[Mark], list[RowError]]:
    if len(args) % 3:
        return [], [RowError(None, "", f"评分应按“考生编号 题号 得分”三个一组给出，现在多出 {len(args) % 3} 个")]
    marks = [Mark(args[i], args[i + 1], args[i + 2], comment, None, f"第 {i // 3 + 1} 组") for i in range(0, len(args), 3)]
    return marks, []


def read_marks_table(path: Path) -> tuple[list[Mark], list[RowError]]:
    try:
        t = read_table(path)
    except SheetError as e:
        return [], [RowError(None, "", str(e))]
    if "编号" not in t.headers:
        return [], [RowError(None, "编号", "缺少这一列")]
    items = [h for h in t.headers if h and h != "编号" and not h.endswith("评语") and h not in ("姓名", "单位", "部门", "岗位", "变体")]
    if not items:
        return [], [RowError(None, "", "除编号外没有题目列（列名写题号，如 YM-JD-01 或 简答1）")]
    marks = []
    for row_no, cells in t.rows:
        sid = str(cells.get("编号") or "").strip()
        for item in items:
            raw = cells.get(item)
            if raw is None or str(raw).strip() == "":
                continue
            marks.append(Mark(sid, item, raw, str(cells.get(f"{item}评语") or "").strip(), row_no, item))
    return marks, []


def _exam_cells(con, exam_id: str, table: str) -> list[tuple]:
    """(cell id, name, max score or None) of the exam's answer cells that have rows in ``table`` (grade_cells or any)."""
    join = "JOIN grade_cells gc ON gc.id = b.id" if table == "grade" else ""
    score = "gc.max_score" if table == "grade" else "NULL"
    return driver_query(con, f"""SELECT b.id, b.name, {score} FROM base_cell b {join} JOIN notebook n ON n.id = b.notebook_id
                           JOIN assignment a ON a.id = n.assignment_id WHERE a.name = ? AND b.name LIKE 'answer-%%'""",
              (exam_id,)).fetchall()


# Rows are fetched one cell at a time through the (cell_id, notebook_id) unique index: one join over the
# whole grade table scanned all of it (4.4 million rows after 50,000 answer sheets) and took ~1 GB.
def _grade_rows(con, exam_id: str, students: dict[str, str]):
    """{student: {cell name: (grade id, max score)}} for the hand-marked cells of one assignment."""
    out: dict[str, dict[str, tuple[str, float]]] = {}
    for cell_id, name, max_score in _exam_cells(con, exam_id, "grade"):
        for gid, nid in driver_query(con, "SELECT id, notebook_id FROM grade WHERE cell_id = ?", (cell_id,)):
            if nid in students:
                out.setdefault(students[nid], {})[name] = (gid, max_score)
    return out


def _comment_ids(con, exam_id: str, students: dict[str, str]) -> dict[str, dict[str, str]]:
    """{student: {cell name: comment id}} for the hand-marked cells (nested like :func:`_grade_rows`: 400,000 pair keys cost ~40 MB)."""
    out: dict[str, dict[str, str]] = {}
    hand = {name for _, name, _ in _exam_cells(con, exam_id, "grade")}  # only hand-marked items take a marker's comment
    for cell_id, name, _ in _exam_cells(con, exam_id, "comment"):
        if name not in hand:
            continue
        for cid, nid in driver_query(con, "SELECT id, notebook_id FROM comment WHERE cell_id = ?", (cell_id,)):
            if nid in students:
                out.setdefault(students[nid], {})[name] = cid
    return out


def check_marks(project: Project, exam_id: str, marks: list[Mark]):
    """([(assignment id, grade id, comment id, score, comment)], errors) — nothing is written.

    An exam that was never built raises :class:`.registry.UnknownExam` (one Chinese line); everything
    about single marks comes back as errors naming the row and column.
    """
    from .key_integrity import verify_key
    from .registry import require_exam

    variants = exam_variants(project, exam_id)
    for _, vid in variants:
        require_exam(project, vid)
        verify_key(project.exams_dir, vid)  # which items are hand-marked, and their labels, come from the key
    db = locate(project)
    if db.sqlite_path is not None and not db.sqlite_path.is_file():
        return [], [RowError(None, "", f"成绩库 {db.sqlite_path} 不存在：请先 qingfeng exam build 并收卷评分")]
    con = connect(db, readonly=True)
    try:
        papers = []
        for label, vid in variants:
            key = read_key(project.exams_dir, vid)
            hand = {k.entry.item_id for k in key.items if k.entry.type in ("简答", "论述")}
            by_label = {lab: iid for iid, lab in item_labels(key).items()}
            students = submitted_notebooks(con, vid)
            papers.append((vid, hand, by_label, _grade_rows(con, vid, students), _comment_ids(con, vid, students)))
    finally:
        con.close()
    out, errors, seen = [], [], {}
    for m in marks:
        problem, row = _check(m, exam_id, papers, seen)
        if problem:
            errors.append(RowError(m.row, m.column, problem))
        else:
            out.append(row)
    return out, errors


def _check(m: Mark, exam_id: str, papers: list, seen: dict) -> tuple[str | None, tuple | None]:
    """(problem, None) or (None, (exam id, grade id, comment id or None, score, comment, student, cell)) for one mark.

    The comment id is None for a paper candidate whose comment rows are not made yet (:mod:`.comment_rows`)."""
    paper = next((p for p in papers if m.student in p[3]), None)
    if paper is None:
        return f"试卷 {exam_id} 没有考生“{m.student}”的已评分答卷：请核对编号，或先收卷并运行 qingfeng mark {exam_id}", None
    vid, hand, by_label, grades, comments = paper
    item = by_label.get(m.item, m.item)
    if item not in hand:
        return f"“{m.item}”不是试卷 {vid} 中需要人工评分的简答、论述题", None
    cell = f"answer-{item}"
    gid, max_score = grades[m.student].get(cell, (None, 0.0))
    if gid is None:
        return f"成绩库中没有考生 {m.student} 第 {item} 题的成绩记录：请先运行 qingfeng mark {vid}", None
    value, problem = score_cell(m.score, max_score)
    if problem or value is None:
        return problem or "得分不能为空", None
    if (m.student, item) in seen:
        first = seen[(m.student, item)]
        return f"考生 {m.student} 第 {item} 题的得分重复给出（{f'第 {first} 行' if isinstance(first, int) else first}）", None
    seen[(m.student, item)] = m.row or m.column
    return None, (vid, gid, comments.get(m.student, {}).get(cell), value, m.comment, m.student, cell)


def record_marks(project: Project, exam_id: str, marks: list[Mark]) -> tuple[int, list[RowError]]:
    """Check every mark, then write them all in one transaction (after a backup); returns (written, errors)."""
    checked, errors = check_marks(project, exam_id, marks)
    if errors:
        return 0, errors
    if not checked:
        return 0, [RowError(None, "", "没有要记录的得分")]
    db = locate(project)
    backup(db)
    with connect(db) as con, con.begin():   # one transaction: every mark or none
        driver_query(con, "UPDATE grade SET manual_score = ?, needs_manual_grade = ? WHERE id = ?",
                     [(score, False, gid) for _, gid, _, score, *_ in checked])
        made = _made_comment_ids(con, [(vid, student) for vid, _, cid, _, comment, student, _ in checked if comment and not cid])
        comments = [(comment, cid or made[vid][student][cell]) for vid, _, cid, _, comment, student, cell in checked if comment]
        if comments:
            driver_query(con, "UPDATE comment SET manual_comment = ? WHERE id = ?", comments)
    return len(checked), []


def _made_comment_ids(con, pending: list[tuple[str, str]]) -> dict[str, dict[str, dict[str, str]]]:
    """{exam id: {student: {cell: comment id}}} after making the comment rows of paper candidates who had none."""
    from .comment_rows import ensure_comment_rows

    out = {}
    for vid in {vid for vid, _ in pending}:
        wanted = {student for v, student in pending if v == vid}
        ensure_comment_rows(con, vid, wanted)
        out[vid] = _comment_ids(con, vid, {nid: s for nid, s in submitted_notebooks(con, vid).items() if s in wanted})
    return out
