"""New submissions expanded inside SQLite (.gradebook_bulk) write exactly the rows the row-by-row path writes,
and a writer thread (.background_writes) never commits half: errors on either side roll everything back."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from qingfeng.exam import course
from qingfeng.exam import gradebook_bulk
from qingfeng.exam import gradebook_writer as gw
from qingfeng.project import find_project

from .exam_course import copy_project

pytestmark = pytest.mark.slow
EXAM = "yumin-sample"


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("bulk") / "proj")
    project = find_project(root)
    course.build_exam(project, EXAM, EXAM)
    course.generate(project, EXAM)
    return project.exams_dir / "gradebook.db"


def _submissions(cmap) -> list[gw.MarkedSubmission]:
    """Every kind of cell value: scores (whole and half), waiting for a marker, marked on paper, left unanswered."""
    grades, solutions = list(cmap.grade_cells), list(cmap.solution_cells)
    out = []
    for i in range(7):
        auto = {name: (k % 3) * 0.5 for k, name in enumerate(grades) if (k + i) % 5}
        manual = {name: float(k % 4) for k, name in enumerate(grades) if (k + i) % 7 == 0}
        responded = {name: bool((k + i) % 3) for k, name in enumerate(solutions) if (k + i) % 4}
        out.append(gw.MarkedSubmission(f"s{i:02d}", None, auto, responded, manual))
    return out


def _rows(db) -> tuple[list, list, list]:
    con = sqlite3.connect(db)
    try:
        by_student = dict(con.execute("SELECT sn.id, sa.student_id FROM submitted_notebook sn "
                                      "JOIN submitted_assignment sa ON sa.id = sn.assignment_id"))
        grades = sorted((by_student[n], c, a, m, x, bool(need)) for n, c, a, m, x, need in con.execute(
            "SELECT notebook_id, cell_id, auto_score, manual_score, extra_credit, needs_manual_grade FROM grade"))
        comments = sorted((by_student[n], c, a, m) for n, c, a, m in con.execute(
            "SELECT notebook_id, cell_id, auto_comment, manual_comment FROM comment"))
        ids = [r[0] for r in con.execute("SELECT id FROM grade UNION ALL SELECT id FROM comment")]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        return grades, comments, ids
    finally:
        con.close()


@pytest.mark.parametrize("essays", [True, False], ids=["with task cells", "a paper without essays"])
def test_sqlite_expansion_writes_the_rows_the_row_by_row_path_writes(gradebook, tmp_path, monkeypatch, essays):
    bulk_db, plain_db = tmp_path / "bulk.db", tmp_path / "plain.db"
    shutil.copy(gradebook, bulk_db)
    shutil.copy(gradebook, plain_db)
    cmap = gw.load_cell_map(gradebook, EXAM, EXAM)
    assert cmap.task_cells and cmap.solution_cells and cmap.grade_cells
    if not essays:
        cmap.task_cells = {}
    with sqlite3.connect(gradebook) as con:  # exam build gave the new gradebook 16 KB pages (gradebook_db.use_large_pages)
        assert con.execute("PRAGMA page_size").fetchone() == (16384,)
    monkeypatch.setattr(gw, "_BATCH", 200)  # several batches, through the writer thread
    gw.write_marks(bulk_db, cmap, iter(_submissions(cmap)))
    monkeypatch.setattr(gw, "bulk_supported", lambda con: False)
    gw.write_marks(plain_db, cmap, _submissions(cmap))
    bulk, plain = _rows(bulk_db), _rows(plain_db)
    assert bulk[0] == plain[0] and bulk[1] == plain[1]
    per = len(cmap.grade_cells) + len(cmap.solution_cells) + 2 * len(cmap.task_cells)
    assert len(bulk[0]) + len(bulk[1]) == 7 * per
    assert len(set(bulk[2])) == len(bulk[2]) and all(len(i) == 32 for i in bulk[2])
    assert any(m is not None for _, _, a, m, _, _ in bulk[0]) and any(need for *_, need in bulk[0])
    assert any(a == "No response." for _, _, a, _ in bulk[1])
    # foreign keys are on again for the next user of the pooled connection
    from qingfeng.exam.gradebook_db import connect

    with connect(bulk_db) as con:
        assert con.connection.driver_connection.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_remarking_after_a_bulk_write_updates_the_same_rows(gradebook, tmp_path):
    db = tmp_path / "g.db"
    shutil.copy(gradebook, db)
    cmap = gw.load_cell_map(gradebook, EXAM, EXAM)
    gw.write_marks(db, cmap, _submissions(cmap))
    first = _rows(db)
    again = [gw.MarkedSubmission(m.student, None, {n: 0.0 for n in m.auto_scores}, m.responded, m.manual_scores)
             for m in _submissions(cmap)]
    gw.write_marks(db, cmap, again)
    second = _rows(db)
    assert sorted(first[2]) == sorted(second[2])  # no row added, none lost
    assert {a for _, _, a, m, _, _ in second[0] if m is None and a is not None} == {0.0}


@pytest.fixture
def small_batches(gradebook, tmp_path, monkeypatch):
    """A copy of the gradebook, its bytes, the exam's cells; batches of about one submission."""
    db = tmp_path / "g.db"
    shutil.copy(gradebook, db)
    monkeypatch.setattr(gw, "_BATCH", 50)
    return db, db.read_bytes(), gw.load_cell_map(gradebook, EXAM, EXAM)


def test_an_error_after_rows_were_written_rolls_everything_back(small_batches):
    db, before, cmap = small_batches

    def refuse():
        raise ValueError("答题卡第 9 行有错")

    with pytest.raises(ValueError, match="第 9 行"):
        gw.write_marks(db, cmap, iter(_submissions(cmap)), before_commit=refuse)
    assert db.read_bytes() == before
    with pytest.raises(RuntimeError, match="注入的写入失败"):
        gw.write_marks(db, cmap, iter(_submissions(cmap)), fail_after=5)
    assert db.read_bytes() == before


def test_a_failing_writer_stops_the_reader_and_nothing_is_kept(small_batches, monkeypatch):
    db, before, cmap = small_batches
    read = []

    def reading():
        for m in _submissions(cmap) * 40:
            read.append(m.student)
            yield m

    def broken(self, con, entries, first):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(gradebook_bulk.BulkRows, "insert", broken)
    with pytest.raises(sqlite3.OperationalError):
        gw.write_marks(db, cmap, reading())
    assert len(read) < 280  # the reader was stopped, not run to the end
    assert db.read_bytes() == before


def test_rows_waiting_count_every_kind_of_row():
    """The writer's batch size counts every list of rows it holds (each named in _Rows.size, for speed)."""
    import dataclasses

    from qingfeng.exam.gradebook_writer import _Rows

    rows = _Rows()
    lists = [f.name for f in dataclasses.fields(rows) if isinstance(getattr(rows, f.name), list)]
    for n, name in enumerate(lists, start=1):
        getattr(rows, name).extend([()] * n)
    assert rows.size() == sum(range(1, len(lists) + 1))
