"""Write marking results into nbgrader's gradebook in bulk, in one transaction.

The rows are the ones ``nbgrader autograde`` leaves (see nbgrader.api
``update_or_create_submission`` and the SaveAutoGrades preprocessor): one
submitted_assignment and submitted_notebook per candidate, a grade row per
grade cell and task cell, a comment row per solution cell and task cell.
Writing through the ORM costs tens of milliseconds per submission; plain
SQL in one transaction costs a fraction of one.

Works on SQLite and PostgreSQL alike (see :mod:`.gradebook_db`). Safety: the
database is copied before any write (SQLite backup API, or ``pg_dump``); all
writes happen in one transaction (``BEGIN IMMEDIATE`` on SQLite) that is rolled
back on any error; ``manual_score``, ``extra_credit`` and ``manual_comment`` are never
written, so hand marking survives re-marking.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import text

from .background_writes import BackgroundWrites
from .gradebook_bulk import PLACEHOLDER, BulkRows, run_json
from .gradebook_bulk import supported as bulk_supported
from .gradebook_db import as_location, backup, backups, connect, prune_backups

__all__ = ["MarkedSubmission", "CellMap", "load_cell_map", "backup", "backups", "prune_backups", "write_marks"]


@dataclass
class MarkedSubmission:
    student: str
    timestamp: dt.datetime | None  # naive UTC
    auto_scores: dict[str, float | None]  # grade cell name -> auto score (None: needs a marker)
    responded: dict[str, bool]  # solution cell name -> changed from the released template (absent: deleted)
    manual_scores: dict[str, float] = field(default_factory=dict)  # grade cell -> score marked on paper (answer sheets only)
    timed: bool = False  # a timed sitting: extension and late penalty below are written (.late_marks)
    extension: dt.timedelta | None = None  # the candidate's deadline minus the closing time
    late_penalty: float | None = None  # nbgrader's submitted_notebook.late_submission_penalty
    lateness: object | None = None  # the .timing.Lateness these came from, for the run's summary
    time_source: str = "local"  # timed: "service" (the Hub's sitting clock) or "local" (.qingfeng-sitting, timestamp.txt)


@dataclass
class CellMap:
    assignment_id: str
    notebook_id: str
    grade_cells: dict[str, str] = field(default_factory=dict)  # name -> base_cell id
    solution_cells: dict[str, str] = field(default_factory=dict)
    task_cells: dict[str, tuple[str, float]] = field(default_factory=dict)  # name -> (id, max score)
    checksums: dict[str, str] = field(default_factory=dict)  # name -> checksum of the released cell (source_cell)


def load_cell_map(db, exam_id: str, notebook: str) -> CellMap:
    """The exam's cells in the gradebook (``db``: a GradebookLocation, URL or SQLite path)."""
    loc = as_location(db)
    if loc.backend == "sqlite" and (not loc.sqlite_path.is_file() or loc.sqlite_path.stat().st_size == 0):
        raise LookupError(f"找不到成绩库 {loc.sqlite_path}（或它是空文件）：请先运行 qingfeng exam build 和 release，或从备份恢复")
    with connect(loc, readonly=True) as con:
        row = con.execute(text("SELECT id FROM assignment WHERE name = :n"), {"n": exam_id}).fetchone()
        if row is None:
            raise LookupError(f"成绩库中没有试卷 {exam_id}：请先 qingfeng exam build 并 release")
        nb = con.execute(text("SELECT id FROM notebook WHERE assignment_id = :a AND name = :n"),
                         {"a": row[0], "n": notebook}).fetchone()
        if nb is None:
            raise LookupError(f"成绩库中没有试卷 {exam_id} 的笔记本 {notebook}：请先运行 qingfeng exam release")
        cmap = CellMap(row[0], nb[0])
        for cid, name, kind in con.execute(text("SELECT id, name, type FROM base_cell WHERE notebook_id = :n"), {"n": nb[0]}):
            if kind == "GradeCell":
                cmap.grade_cells[name] = cid
            elif kind == "SolutionCell":
                cmap.solution_cells[name] = cid
        for cid, name, max_score in con.execute(text(
                "SELECT t.id, b.name, t.max_score FROM task_cells t JOIN base_cell b ON b.id = t.id WHERE b.notebook_id = :n"),
                {"n": nb[0]}):
            cmap.task_cells[name] = (cid, max_score)
        for name, checksum in con.execute(text("SELECT name, checksum FROM source_cell WHERE notebook_id = :n"), {"n": nb[0]}):
            if checksum:
                cmap.checksums[name] = checksum
        return cmap


_PREFIX = uuid.uuid4().hex[:20]
_COUNTER = [0]


def _id() -> str:
    """A unique 32-hex-digit row id like nbgrader's uuid4().hex, at a fraction of the cost (millions per import)."""
    n = _COUNTER[0]
    _COUNTER[0] = n + 1
    return f"{_PREFIX}{n:012x}"


def _block(size: int) -> int:
    """Reserve ``size`` consecutive row ids (``_PREFIX`` + 12 hex digits of the returned number onward)."""
    n = _COUNTER[0]
    _COUNTER[0] = n + size
    return n


def _ts(value: dt.datetime | None, backend: str):
    if value is None or backend != "sqlite":
        return value
    return value.isoformat(sep=" ")  # the text form nbgrader's ORM leaves in SQLite


def _interval(value: dt.timedelta | None, backend: str):
    """An nbgrader Interval column: native on PostgreSQL, epoch + value as text in SQLite (SQLAlchemy's form)."""
    if value is None or backend != "sqlite":
        return value
    return (dt.datetime(1970, 1, 1) + value).isoformat(sep=" ", timespec="microseconds")


@lru_cache(maxsize=64)
def _driver_sql(sql: str, names: tuple[str, ...], paramstyle: str) -> tuple[str, tuple[int, ...]]:
    """``sql`` in the driver's own positional style, and where each placeholder's value sits in a row."""
    order = tuple(names.index(n) for n in PLACEHOLDER.findall(sql))
    return PLACEHOLDER.sub("?" if paramstyle == "qmark" else "%s", sql), order


def _many(con, sql: str, names: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows straight to the driver (SQLite: one JSON document per statement; psycopg: ``executemany``
    with ``%s``): SQLAlchemy's per-row parameter processing cost more than the database's own work
    (millions of rows per import)."""
    if not rows:
        return
    if bulk_supported(con):
        run_json(con, sql, names, rows)
        return
    driver_sql, order = _driver_sql(sql, names, con.dialect.paramstyle)
    identity = order == tuple(range(len(names)))
    con.exec_driver_sql(driver_sql, rows if identity else [tuple(r[i] for i in order) for r in rows])


def write_marks(db, cmap: CellMap, marked: Iterable[MarkedSubmission], fail_after: int | None = None,
                before_commit: Callable[[], None] | None = None, comments: bool = True) -> None:
    """Upsert every submission's rows in one transaction (``fail_after`` injects a failure, for tests).

    ``comments=False`` (answer sheets) writes no comment rows: a paper candidate's are empty and
    are made when first needed (:mod:`.comment_rows`).

    ``marked`` may be a generator that is still reading: batches are written by a second thread
    as they fill (:mod:`.background_writes`).  ``before_commit`` runs once every batch is written;
    an exception from it rolls the whole transaction back (a sheet found faulty after its rows
    were written)."""
    loc = as_location(db)
    with connect(loc) as con:
        bulk = BulkRows(cmap, _PREFIX, comments) if bulk_supported(con) else None
        if bulk is not None:
            # new rows only point at notebooks inserted just before them and at this exam's own cells
            # (read in this transaction), so SQLite's per-row foreign key lookups are skipped: a second a million rows
            con.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # outside any transaction
        try:
            with con.begin():
                _write(con, loc, cmap, marked, fail_after, bulk, comments)
                if before_commit is not None:
                    before_commit()
        finally:
            if bulk is not None:
                con.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


def _write(con, loc, cmap: CellMap, marked: Iterable[MarkedSubmission], fail_after: int | None, bulk: BulkRows | None,
           comments: bool) -> None:
    subs = {student: sid for sid, student in con.execute(
        text("SELECT id, student_id FROM submitted_assignment WHERE assignment_id = :a"), {"a": cmap.assignment_id})}
    nbs = dict(con.execute(text("SELECT assignment_id, id FROM submitted_notebook WHERE notebook_id = :n"),
                           {"n": cmap.notebook_id}).fetchall())
    # every existing grade and comment of this exam in one query each (a per-notebook query
    # would scan the whole table once per candidate: the grade table has no notebook_id index)
    grades: dict[str, dict[str, tuple[str, float | None]]] = {}
    for gid, nid, cell, manual in con.execute(text(
            "SELECT g.id, g.notebook_id, g.cell_id, g.manual_score FROM grade g JOIN submitted_notebook sn ON sn.id = g.notebook_id "
            "WHERE sn.notebook_id = :n"), {"n": cmap.notebook_id}):
        grades.setdefault(nid, {})[cell] = (gid, manual)
    existing_comments: dict[str, dict[str, str]] = {}
    if comments:
        for cid, nid, cell in con.execute(text(
                "SELECT c.id, c.notebook_id, c.cell_id FROM comment c JOIN submitted_notebook sn ON sn.id = c.notebook_id "
                "WHERE sn.notebook_id = :n"), {"n": cmap.notebook_id}):
            existing_comments.setdefault(nid, {})[cell] = cid
    if bulk is not None:
        bulk.prepare(con)
    per_bulk = bulk.ids_per_notebook if bulk is not None else 0

    def send(rows: _Rows) -> None:
        rows.first = _block(len(rows.bulk) * per_bulk)  # here: ids are handed out by this thread only
        writer.send(rows)

    with BackgroundWrites(lambda batch: _flush(con, batch, bulk)) as writer:
        rows = _Rows()
        for n, m in enumerate(marked):
            if fail_after is not None and n == fail_after:
                raise RuntimeError("注入的写入失败（测试用）")
            rows.students.append((m.student,))
            sid = subs.get(m.student)
            if sid is None:
                sid = subs[m.student] = _id()
                rows.new_subs.append((sid, cmap.assignment_id, m.student, _ts(m.timestamp, loc.backend),
                                      _interval(m.extension, loc.backend)))
            else:
                if m.timestamp is not None:
                    rows.stamps.append((_ts(m.timestamp, loc.backend), sid))
                if m.timed:
                    rows.extensions.append((_interval(m.extension, loc.backend), sid))
            nid, expanded = nbs.get(sid), False
            if nid is None:
                nid = nbs[sid] = _id()
                rows.new_nbs.append((nid, sid, cmap.notebook_id, False, m.late_penalty))
                if bulk is not None:  # nothing of it exists yet: all its rows are made inside SQLite
                    rows.bulk.append(bulk.entry(nid, m))
                    expanded = True
            elif m.timed:
                rows.penalties.append((m.late_penalty, nid))
            if not expanded:
                _grade_rows(nid, cmap, m, grades.get(nid, {}), rows.grade_rows, rows.grade_updates)
                if comments:
                    _comment_rows(nid, cmap, m, existing_comments.get(nid, {}), rows.comment_rows, rows.comment_updates)
            if rows.size() + len(rows.bulk) * per_bulk > _BATCH:
                send(rows)  # same transaction, bounded memory (50,000 answer sheets are millions of rows)
                rows = _Rows()
        send(rows)


_BATCH = 50_000  # rows held before they are sent to the database (small: the writer starts early and ends soon after the reader)


@dataclass
class _Rows:
    """Rows waiting to be written, in the order foreign keys need them."""

    students: list[tuple] = field(default_factory=list)
    new_subs: list[tuple] = field(default_factory=list)
    stamps: list[tuple] = field(default_factory=list)
    extensions: list[tuple] = field(default_factory=list)
    penalties: list[tuple] = field(default_factory=list)
    new_nbs: list[tuple] = field(default_factory=list)
    grade_rows: list[tuple] = field(default_factory=list)
    grade_updates: list[tuple] = field(default_factory=list)
    comment_rows: list[tuple] = field(default_factory=list)
    comment_updates: list[tuple] = field(default_factory=list)
    bulk: list[tuple] = field(default_factory=list)  # new notebooks, expanded in SQLite (.gradebook_bulk)
    first: int = 0  # the first of their row ids (.gradebook_bulk.BulkRows.insert)

    def size(self) -> int:
        """Rows held, a new notebook in ``bulk`` counting once (its rows are made in SQLite)."""
        return sum(map(len, (self.students, self.new_subs, self.stamps, self.extensions, self.penalties, self.new_nbs,
                             self.grade_rows, self.grade_updates, self.comment_rows, self.comment_updates, self.bulk)))


def _flush(con, rows: _Rows, bulk: BulkRows | None = None) -> None:
    grade_updates = rows.grade_updates
    # ON CONFLICT DO NOTHING: SQLite (3.24+) and PostgreSQL alike
    _many(con, "INSERT INTO student (id) VALUES (:id) ON CONFLICT DO NOTHING", ("id",), rows.students)
    _many(con, "INSERT INTO submitted_assignment (id, assignment_id, student_id, timestamp, extension) "
               "VALUES (:id, :a, :s, :t, :x)", ("id", "a", "s", "t", "x"), rows.new_subs)
    _many(con, "UPDATE submitted_assignment SET timestamp = :t WHERE id = :id", ("t", "id"), rows.stamps)
    _many(con, "UPDATE submitted_assignment SET extension = :x WHERE id = :id", ("x", "id"), rows.extensions)
    _many(con, "INSERT INTO submitted_notebook (id, assignment_id, notebook_id, flagged, late_submission_penalty) "
               "VALUES (:id, :a, :n, :f, :p)", ("id", "a", "n", "f", "p"), rows.new_nbs)
    _many(con, "UPDATE submitted_notebook SET late_submission_penalty = :p WHERE id = :id", ("p", "id"), rows.penalties)
    if bulk is not None:
        bulk.insert(con, rows.bulk, rows.first)
    _many(con, "INSERT INTO grade (id, notebook_id, cell_id, auto_score, manual_score, extra_credit, needs_manual_grade) "
               "VALUES (:id, :n, :c, :auto, :manual, :extra, :needs)",
          ("id", "n", "c", "auto", "manual", "extra", "needs"), rows.grade_rows)
    _many(con, "UPDATE grade SET auto_score = :auto, needs_manual_grade = :needs WHERE id = :id", ("auto", "needs", "id"),
          [u for u in grade_updates if len(u) == 3 and u[0] != "manual"])
    _many(con, "UPDATE grade SET auto_score = :auto WHERE id = :id", ("auto", "id"), [u for u in grade_updates if len(u) == 2])
    _many(con, "UPDATE grade SET manual_score = :manual, needs_manual_grade = :needs WHERE id = :id", ("manual", "needs", "id"),
          [(u[1], False, u[2]) for u in grade_updates if u[0] == "manual"])
    _many(con, "INSERT INTO comment (id, notebook_id, cell_id, auto_comment, manual_comment) VALUES (:id, :n, :c, :auto, :manual)",
          ("id", "n", "c", "auto", "manual"), rows.comment_rows)
    _many(con, "UPDATE comment SET auto_comment = :auto WHERE id = :id", ("auto", "id"), rows.comment_updates)


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
