"""Paper candidates' comment rows: made when something first needs them.

nbgrader keeps a ``comment`` row per solution cell and task cell of every
submitted notebook (44 for the sample paper).  For a candidate marked online
the row may carry nbgrader's automatic "No response."; for a paper answer
sheet it carries nothing: a sheet has no released template to compare with,
and no marker has written anything yet.  50,000 sheets would be 2.2 million
such empty rows, half of everything ``qingfeng mark --sheets`` writes, so the
import leaves them out and they are made, empty, as nbgrader would have made
them, by the steps that use comments:

* :func:`.paper_notebooks.make_notebooks` (``qingfeng exam notebooks`` and
  ``exam feedback``): Formgrader and the feedback page show a comment per
  cell, and both need the candidate's autograded notebook first;
* ``qingfeng exam grade`` when a mark carries a marker's comment.

:func:`ensure_comment_rows` is idempotent and touches only missing rows;
grades, scores and every existing comment are left as they are.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable

from .gradebook_db import driver_query, submitted_notebooks

__all__ = ["ensure_comment_rows", "comment_cells"]


def comment_cells(con, exam_id: str) -> list[tuple[str, str]]:
    """(cell id, name) of the cells that take a comment row: the exam's solution and task cells."""
    return driver_query(con, """SELECT b.id, b.name FROM base_cell b JOIN notebook n ON n.id = b.notebook_id
                                JOIN assignment a ON a.id = n.assignment_id
                                WHERE a.name = ? AND b.type IN ('SolutionCell', 'TaskCell') ORDER BY b.name""",
                        (exam_id,)).fetchall()


def ensure_comment_rows(con, exam_id: str, students: Iterable[str] | None = None) -> int:
    """Insert the empty comment rows the submitted notebooks of ``students`` (default: all) lack.

    Runs inside the caller's transaction (``con`` from :func:`.gradebook_db.connect`); returns how
    many rows were added."""
    wanted = None if students is None else set(students)
    notebooks = {nid for nid, student in submitted_notebooks(con, exam_id).items() if wanted is None or student in wanted}
    if not notebooks:
        return 0
    rows = []
    for cell_id, _name in comment_cells(con, exam_id):
        # the (cell_id, notebook_id) unique index answers this without scanning other exams' comments
        have = {nid for (nid,) in driver_query(con, "SELECT notebook_id FROM comment WHERE cell_id = ?", (cell_id,))}
        rows += [(uuid.uuid4().hex, nid, cell_id) for nid in notebooks - have]
    if rows:
        driver_query(con, "INSERT INTO comment (id, notebook_id, cell_id, auto_comment, manual_comment) "
                          "VALUES (?, ?, ?, NULL, NULL)", rows)
    return len(rows)
