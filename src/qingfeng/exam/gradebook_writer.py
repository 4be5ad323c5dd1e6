"""Write marking results into nbgrader's gradebook in bulk, in one transaction.

The rows are the ones ``nbgrader autograde`` leaves (see nbgrader.api
``update_or_create_submission`` and the SaveAutoGrades preprocessor): one
submitted_assignment and submitted_notebook per candidate, a grade row per
grade cell and task cell, a comment row per solution cell and task cell.
Writing through the ORM costs tens of milliseconds per submission; plain
SQL in one transaction costs a fraction of one.

Safety: the database is copied (SQLite backup API, 0600, the newest N kept) before any write; all
writes happen in one ``BEGIN IMMEDIATE`` transaction that is rolled back on
any error; ``manual_score``, ``extra_credit`` and ``manual_comment`` are never
written, so hand marking survives re-marking.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MarkedSubmission", "CellMap", "load_cell_map", "backup", "backups", "prune_backups", "write_marks"]


@dataclass
class MarkedSubmission:
    student: str
    timestamp: dt.datetime | None  # naive UTC
    auto_scores: dict[str, float | None]  # grade cell name -> auto score (None: needs a marker)
    responded: dict[str, bool]  # solution cell name -> changed from the released template (absent: deleted)
    manual_scores: dict[str, float] = field(default_factory=dict)  # grade cell -> score marked on paper (answer sheets only)


@dataclass
class CellMap:
    assignment_id: str
    notebook_id: str
    grade_cells: dict[str, str] = field(default_factory=dict)  # name -> base_cell id
    solution_cells: dict[str, str] = field(default_factory=dict)
    task_cells: dict[str, tuple[str, float]] = field(default_factory=dict)  # name -> (id, max score)
    checksums: dict[str, str] = field(default_factory=dict)  # name -> checksum of the released cell (source_cell)


def _connect(db: Path) -> sqlite3.Connection:
    con = sqlite3.connect(db, isolation_level=None, timeout=30)
    con.execute("PRAGMA foreign_keys = ON")
    return con


def load_cell_map(db: Path, exam_id: str, notebook: str) -> CellMap:
    if not db.is_file() or db.stat().st_size == 0:  # never let sqlite create an empty gradebook here
        raise LookupError(f"找不到成绩库 {db}（或它是空文件）：请先运行 qingfeng exam build 和 release，或从备份恢复")
    con = _connect(db)
    try:
        row = con.execute("SELECT id FROM assignment WHERE name = ?", (exam_id,)).fetchone()
        if row is None:
            raise LookupError(f"成绩库中没有试卷 {exam_id}：请先 qingfeng exam build 并 release")
        nb = con.execute("SELECT id FROM notebook WHERE assignment_id = ? AND name = ?", (row[0], notebook)).fetchone()
        if nb is None:
            raise LookupError(f"成绩库中没有试卷 {exam_id} 的笔记本 {notebook}：请先运行 qingfeng exam release")
        cmap = CellMap(row[0], nb[0])
        for cid, name, kind in con.execute("SELECT id, name, type FROM base_cell WHERE notebook_id = ?", (nb[0],)):
            if kind == "GradeCell":
                cmap.grade_cells[name] = cid
            elif kind == "SolutionCell":
                cmap.solution_cells[name] = cid
        for cid, name, max_score in con.execute(
                "SELECT t.id, b.name, t.max_score FROM task_cells t JOIN base_cell b ON b.id = t.id WHERE b.notebook_id = ?", (nb[0],)):
            cmap.task_cells[name] = (cid, max_score)
        for name, checksum in con.execute("SELECT name, checksum FROM source_cell WHERE notebook_id = ?", (nb[0],)):
            if checksum:
                cmap.checksums[name] = checksum
        return cmap
    finally:
        con.close()


def backup(db: Path, keep: int | None = None) -> Path:
    """Copy the gradebook next to itself (gradebook.db.bak-YYYYmmdd-HHMMSS-ffffff, 0600) before writing.

    With ``keep``, only the newest ``keep`` backups are kept (``[marking] keep_backups``).
    """
    target = db.with_name(f"{db.name}.bak-{dt.datetime.now():%Y%m%d-%H%M%S-%f}")
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    src, dst = sqlite3.connect(db), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    os.chmod(target, 0o600)
    if keep is not None:
        prune_backups(db, keep)
    return target


def backups(db: Path) -> list[Path]:
    """The gradebook's backups, oldest first (their names sort by time)."""
    return sorted(p for p in db.parent.glob(f"{db.name}.bak-*") if p.is_file() and not p.is_symlink())


def prune_backups(db: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns the deleted ones."""
    old = backups(db)[:-keep] if keep > 0 else []
    for p in old:
        p.unlink()
    return old


def _id() -> str:
    return uuid.uuid4().hex


def _ts(value: dt.datetime | None) -> str | None:
    return value.isoformat(sep=" ") if value else None


def write_marks(db: Path, cmap: CellMap, marked: list[MarkedSubmission], fail_after: int | None = None) -> None:
    """Upsert every submission's rows in one transaction (``fail_after`` injects a failure, for tests)."""
    con = _connect(db)
    try:
        con.execute("BEGIN IMMEDIATE")
        subs = {student: sid for sid, student in
                con.execute("SELECT id, student_id FROM submitted_assignment WHERE assignment_id = ?", (cmap.assignment_id,))}
        nbs = dict(con.execute("SELECT assignment_id, id FROM submitted_notebook WHERE notebook_id = ?", (cmap.notebook_id,)))
        # every existing grade and comment of this exam in one query each (a per-notebook query
        # would scan the whole table once per candidate: the grade table has no notebook_id index)
        grades: dict[str, dict[str, tuple[str, float | None]]] = {}
        for gid, nid, cell, manual in con.execute(
                "SELECT g.id, g.notebook_id, g.cell_id, g.manual_score FROM grade g JOIN submitted_notebook sn ON sn.id = g.notebook_id "
                "WHERE sn.notebook_id = ?", (cmap.notebook_id,)):
            grades.setdefault(nid, {})[cell] = (gid, manual)
        comments: dict[str, dict[str, str]] = {}
        for cid, nid, cell in con.execute(
                "SELECT c.id, c.notebook_id, c.cell_id FROM comment c JOIN submitted_notebook sn ON sn.id = c.notebook_id "
                "WHERE sn.notebook_id = ?", (cmap.notebook_id,)):
            comments.setdefault(nid, {})[cell] = cid
        grade_rows: list[tuple] = []
        grade_updates: list[tuple] = []
        comment_rows: list[tuple] = []
        comment_updates: list[tuple] = []
        for n, m in enumerate(marked):
            if fail_after is not None and n == fail_after:
                raise RuntimeError("注入的写入失败（测试用）")
            con.execute("INSERT OR IGNORE INTO student (id) VALUES (?)", (m.student,))
            sid = subs.get(m.student)
            if sid is None:
                sid = _id()
                con.execute("INSERT INTO submitted_assignment (id, assignment_id, student_id, timestamp, extension) VALUES (?, ?, ?, ?, NULL)",
                            (sid, cmap.assignment_id, m.student, _ts(m.timestamp)))
            elif m.timestamp is not None:
                con.execute("UPDATE submitted_assignment SET timestamp = ? WHERE id = ?", (_ts(m.timestamp), sid))
            nid = nbs.get(sid)
            if nid is None:
                nid = _id()
                con.execute("INSERT INTO submitted_notebook (id, assignment_id, notebook_id, flagged, late_submission_penalty) VALUES (?, ?, ?, 0, NULL)",
                            (nid, sid, cmap.notebook_id))
            _grade_rows(nid, cmap, m, grades.get(nid, {}), grade_rows, grade_updates)
            _comment_rows(nid, cmap, m, comments.get(nid, {}), comment_rows, comment_updates)
        con.executemany("INSERT INTO grade (id, notebook_id, cell_id, auto_score, manual_score, extra_credit, needs_manual_grade) VALUES (?, ?, ?, ?, ?, ?, ?)", grade_rows)
        con.executemany("UPDATE grade SET auto_score = ?, needs_manual_grade = ? WHERE id = ?",
                        [u for u in grade_updates if len(u) == 3 and u[0] != "manual"])
        con.executemany("UPDATE grade SET auto_score = ? WHERE id = ?", [u for u in grade_updates if len(u) == 2])
        con.executemany("UPDATE grade SET manual_score = ?, needs_manual_grade = 0 WHERE id = ?",
                        [u[1:] for u in grade_updates if u[0] == "manual"])
        con.executemany("INSERT INTO comment (id, notebook_id, cell_id, auto_comment, manual_comment) VALUES (?, ?, ?, ?, ?)", comment_rows)
        con.executemany("UPDATE comment SET auto_comment = ? WHERE id = ?", comment_updates)
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    finally:
        con.close()


def _grade_rows(nid: str, cmap: CellMap, m: MarkedSubmission, existing: dict[str, tuple[str, float | None]],
                inserts: list[tuple], updates: list[tuple]) -> None:
    for name, cell_id in cmap.grade_cells.items():
        auto = m.auto_scores.get(name)
        if name in m.manual_scores:  # transcribed from a paper sheet: the examiner's own mark
            score = m.manual_scores[name]
            if cell_id in existing:
                updates.append(("manual", score, existing[cell_id][0]))
            else:
                inserts.append((_id(), nid, cell_id, None, score, None, False))
            continue
        if cell_id in existing:
            if name not in m.auto_scores:
                continue  # this write carries nothing for the cell: leave it as it is
            gid, manual = existing[cell_id]
            # nbgrader's rule, except that a hand-given score is left as the marker left it
            updates.append((auto, auto is None, gid) if manual is None else (auto, gid))
        else:
            inserts.append((_id(), nid, cell_id, auto, None, None, auto is None))
    for name, (cell_id, max_score) in cmap.task_cells.items():
        if cell_id not in existing:
            zero = max_score == 0  # 0-point rubric cells need no marker; real tasks do
            inserts.append((_id(), nid, cell_id, None, 0.0 if zero else None, None, not zero))


def _comment_rows(nid: str, cmap: CellMap, m: MarkedSubmission, existing: dict[str, str],
                  inserts: list[tuple], updates: list[tuple]) -> None:
    cells = [(cid, m.responded.get(name), name in m.responded) for name, cid in cmap.solution_cells.items()]
    cells += [(cid, None, False) for cid, _ in cmap.task_cells.values()]
    for cell_id, responded, known in cells:
        auto = "No response." if responded is False else None  # None: answered, deleted, or a task
        if cell_id not in existing:
            inserts.append((_id(), nid, cell_id, auto, None))
        elif known:
            updates.append((auto, existing[cell_id]))
