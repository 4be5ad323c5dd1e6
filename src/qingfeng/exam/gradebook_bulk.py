"""New submissions' grade and comment rows, expanded inside SQLite from one JSON document per batch.

Each submitted notebook has a grade row per grade and task cell and a
comment row per solution and task cell (88 for the sample paper; answer
sheets write only the 44 grade rows, their empty comment rows come later,
:mod:`.comment_rows`), so 50,000 paper sheets are 2.2 million rows.  Binding them one by one through the
driver costs about two microseconds a row before SQLite does any work.
Here each *new* notebook is one short entry — its id, one code per grade
cell and one per solution cell — and one ``INSERT … SELECT`` per kind of row
turns a batch of them, sent as JSON, into rows with SQLite's ``json_each``, in
C.  The rows are exactly those :func:`.gradebook_writer._grade_rows` and
``_comment_rows`` write for a notebook with none yet (``tests/test_gradebook_bulk.py``
compares the two).  Notebooks already in the gradebook, and PostgreSQL
gradebooks, take the row-by-row path.

The writer's other statements (parents, updates) are sent the same way, as one
JSON document of rows per statement (:func:`json_statement`): row by row, a
writer thread must win the GIL back from the reading thread for every row.

Codes: a grade cell is a number (the automatic score), ``"m<score>"`` (a score
marked on paper) or ``null`` (waiting for a marker); a solution cell is 1 when
the candidate left it as released ("No response.") and 0 otherwise.
"""
from __future__ import annotations

import json
import re
import sqlite3
from functools import lru_cache

__all__ = ["BulkRows", "supported", "json_statement", "run_json", "PLACEHOLDER"]

# ids: the batch's block starts at ``first``; row (cell k, notebook j) is first + k * N + j, cells in the
# order grade cells, task grades, solution comments, task comments.  Rows go in cell by cell, so each
# cell's stretch of the (cell_id, notebook_id) index grows at one end.
_BATCH = "INSERT INTO temp.qf_batch (j, nid) SELECT key, value FROM json_each(?)"

_GRADES = """
INSERT INTO grade (id, notebook_id, cell_id, auto_score, manual_score, extra_credit, needs_manual_grade)
SELECT :p || printf('%012x', :first + c.k * :n + g.key), b.nid, c.cell_id,
       CASE WHEN g.type = 'text' THEN NULL ELSE g.value END,
       CASE WHEN g.type = 'text' THEN CAST(substr(g.value, 2) AS REAL) END, NULL, g.type = 'null'
FROM json_each(:codes) col JOIN temp.qf_grade_cells c ON c.k = col.key, json_each(col.value) g JOIN temp.qf_batch b ON b.j = g.key"""

_TASK_GRADES = """
INSERT INTO grade (id, notebook_id, cell_id, auto_score, manual_score, extra_credit, needs_manual_grade)
SELECT :p || printf('%012x', :first + t.k * :n + b.j), b.nid, t.cell_id, NULL, CASE WHEN t.zero THEN 0.0 END, NULL, NOT t.zero
FROM temp.qf_task_cells t, temp.qf_batch b ORDER BY t.k, b.j"""

_COMMENTS = """
INSERT INTO comment (id, notebook_id, cell_id, auto_comment, manual_comment)
SELECT :p || printf('%012x', :first + c.k * :n + s.key), b.nid, c.cell_id, CASE WHEN s.value THEN 'No response.' END, NULL
FROM json_each(:codes) col JOIN temp.qf_comment_cells c ON c.j = col.key, json_each(col.value) s JOIN temp.qf_batch b ON b.j = s.key"""

_TASK_COMMENTS = """
INSERT INTO comment (id, notebook_id, cell_id, auto_comment, manual_comment)
SELECT :p || printf('%012x', :first + t.k2 * :n + b.j), b.nid, t.cell_id, NULL, NULL
FROM temp.qf_task_cells t, temp.qf_batch b ORDER BY t.k2, b.j"""


def supported(con) -> bool:
    """SQLite with ``->>`` (3.38+); PostgreSQL and older SQLite write row by row."""
    return con.dialect.name == "sqlite" and sqlite3.sqlite_version_info >= (3, 38)


class BulkRows:
    """Batches of new notebooks for one exam notebook's cells (``cmap``: a :class:`.gradebook_writer.CellMap`)."""

    def __init__(self, cmap, prefix: str, comments: bool = True):
        self.prefix, self.comments = prefix, comments
        self.grade_names = list(cmap.grade_cells)
        self.solution_names = list(cmap.solution_cells) if comments else []  # their codes only feed comment rows
        g, s, tasks = len(cmap.grade_cells), len(cmap.solution_cells), list(cmap.task_cells.values())
        # each cell's place k in the order of row ids (see _BATCH): grade cells, task grades, solution comments, task comments
        self.grade_cells = list(enumerate(cmap.grade_cells.values()))
        self.task_cells = [(g + i, g + len(tasks) + s + i, cid, max_score == 0) for i, (cid, max_score) in enumerate(tasks)]
        self.comment_cells = [(g + len(tasks) + j, j, cid) for j, cid in enumerate(cmap.solution_cells.values())]
        # without comments (answer sheets, .comment_rows) the comment places at the end are not used
        self.ids_per_notebook = g + s + 2 * len(tasks) if comments else g + len(tasks)

    def prepare(self, con) -> None:
        """The exam's cells as temporary tables, on the connection that writes (inside its transaction)."""
        for sql in ("DROP TABLE IF EXISTS temp.qf_grade_cells", "DROP TABLE IF EXISTS temp.qf_task_cells",
                    "DROP TABLE IF EXISTS temp.qf_comment_cells", "DROP TABLE IF EXISTS temp.qf_batch",
                    "CREATE TEMP TABLE qf_batch (j INTEGER PRIMARY KEY, nid TEXT)",
                    "CREATE TEMP TABLE qf_grade_cells (k INTEGER PRIMARY KEY, cell_id TEXT)",
                    "CREATE TEMP TABLE qf_task_cells (k INTEGER, k2 INTEGER, cell_id TEXT, zero INTEGER)",
                    "CREATE TEMP TABLE qf_comment_cells (k INTEGER, j INTEGER PRIMARY KEY, cell_id TEXT)"):
            con.exec_driver_sql(sql)
        for sql, rows in (("INSERT INTO temp.qf_grade_cells VALUES (?, ?)", self.grade_cells),
                          ("INSERT INTO temp.qf_task_cells VALUES (?, ?, ?, ?)", self.task_cells),
                          ("INSERT INTO temp.qf_comment_cells VALUES (?, ?, ?)", self.comment_cells)):
            if rows:  # a paper without essays has no task cells (an empty list would be read as no parameters)
                con.exec_driver_sql(sql, rows)

    def entry(self, nid: str, m) -> tuple:
        """One new notebook (``m``: a MarkedSubmission): its id, its grade cells' codes, its solution cells' codes."""
        manual, auto, responded = m.manual_scores, m.auto_scores, m.responded
        grades = [f"m{manual[n]!r}" if n in manual else auto.get(n) for n in self.grade_names]
        return nid, grades, [1 if responded.get(n) is False else 0 for n in self.solution_names]

    def insert(self, con, entries: list[tuple], first: int) -> None:
        """Every row of ``entries``' notebooks, ids from ``first`` on (``ids_per_notebook`` × len(entries) of them)."""
        if not entries:
            return
        nids, grades, solutions = zip(*entries)
        con.exec_driver_sql("DELETE FROM temp.qf_batch")
        con.exec_driver_sql(_BATCH, (json.dumps(nids),))
        common = {"p": self.prefix, "first": first, "n": len(entries)}
        statements = [(_GRADES, grades), (_TASK_GRADES, None)]
        if self.comments:
            statements += [(_COMMENTS, solutions), (_TASK_COMMENTS, None)]
        for sql, codes in statements:
            params = dict(common, codes=json.dumps(list(zip(*codes)), ensure_ascii=False)) if codes else common
            con.exec_driver_sql(sql, params)


PLACEHOLDER = re.compile(r":(\w+)")  # a named parameter in the writer's SQL (also .gradebook_writer._driver_sql)
_INSERT = re.compile(r"INSERT INTO (\w+) \(([^)]*)\) VALUES \(([^)]*)\)(.*)", re.S)
_UPDATE = re.compile(r"UPDATE (\w+) SET (.*) WHERE id = :(\w+)", re.S)


@lru_cache(maxsize=64)
def json_statement(sql: str, names: tuple[str, ...]) -> str:
    """``INSERT … VALUES (:a, …)`` or ``UPDATE t SET … WHERE id = :id`` rewritten to take every row from one
    JSON array of rows (``names``: the order of each row's values)."""
    def field(m, prefix=""):
        return f"{prefix}value ->> {names.index(m.group(1))}"

    m = _INSERT.fullmatch(sql)
    if m:
        table, columns, values, tail = m.groups()
        picked = PLACEHOLDER.sub(field, values)
        # WHERE true: an upsert clause after INSERT … SELECT needs it to parse
        return f"INSERT INTO {table} ({columns}) SELECT {picked} FROM json_each(?) WHERE true{tail}"
    m = _UPDATE.fullmatch(sql)
    if m:
        table, sets, key = m.groups()
        picked = PLACEHOLDER.sub(lambda x: field(x, "j."), sets)
        return f"UPDATE {table} SET {picked} FROM json_each(?) AS j WHERE {table}.id = j.value ->> {names.index(key)}"
    raise ValueError(f"not a statement json_statement rewrites: {sql}")


def run_json(con, sql: str, names: tuple[str, ...], rows: list[tuple]) -> None:
    """One statement for all ``rows`` (SQLite, :func:`supported`)."""
    con.exec_driver_sql(json_statement(sql, names), (json.dumps(rows, ensure_ascii=False),))
