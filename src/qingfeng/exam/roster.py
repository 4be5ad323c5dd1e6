"""The candidate roster: 编号, 姓名, 单位, 部门, 岗位.

Imported from the xlsx/csv units keep; candidates go into nbgrader's
gradebook (id = 编号, name in last_name) and the unit data into
``exams/roster.csv`` (UTF-8 with BOM), which statistics read.  The roster
holds personal data and is not committed (see .gitignore).

Names, units, departments and posts are stored exactly as typed (only
surrounding spaces trimmed): no 繁→简 conversion, which would turn 張乾 into
张干.  The 编号 is width-folded (ｐ０１ → p01).  Candidates are written to the
gradebook in one SQL transaction (50,000 rows in well under a second; the ORM
takes minutes).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..chinese_text import as_typed, id_text, normalise
from ..ids import IdError, check_person_id, id_key
from ..project import Project
from ..spreadsheet import RowError, SheetError, atomic_path, read_table, restore_cell, write_csv

__all__ = ["Candidate", "ROSTER_HEADERS", "read_roster", "import_roster", "load_roster", "roster_path"]

ROSTER_HEADERS = ("编号", "姓名", "单位", "部门", "岗位")
_REQUIRED = ("编号", "姓名", "单位")
_ALIASES = {"工号": "编号", "考号": "编号", "准考证号": "编号", "人员编号": "编号", "名字": "姓名", "单位名称": "单位",
            "所在单位": "单位", "科室": "部门", "职务": "岗位", "职位": "岗位"}


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    unit: str
    department: str = ""
    post: str = ""


def roster_path(project: Project) -> Path:
    return project.exams_dir / "roster.csv"


def read_roster(path: Path) -> tuple[list[Candidate], list[RowError]]:
    try:
        table = read_table(path)
    except SheetError as e:
        return [], [RowError(None, "", str(e))]
    names = {h: _ALIASES.get(normalise(h).replace(" ", ""), normalise(h).replace(" ", "")) for h in table.headers}
    errors = [RowError(None, h, "缺少这一必填列") for h in _REQUIRED if h not in names.values()]
    if errors:
        return [], errors
    out: list[Candidate] = []
    seen: dict[str, int] = {}
    for row_no, cells in table.rows:
        v = {}
        for h, val in cells.items():
            if h in names:
                v[names[h]] = id_text(val) if names[h] == "编号" else as_typed(val)
        row_errors = [RowError(row_no, h, "不能为空") for h in _REQUIRED if not v.get(h)]
        cid = v.get("编号", "")
        if cid:
            try:
                cid = check_person_id(cid)
            except IdError as e:
                row_errors.append(RowError(row_no, "编号", str(e)))
            else:
                if id_key(cid) in seen:
                    first, first_row = seen[id_key(cid)]
                    same = "" if first == cid else f"（“{first}”与“{cid}”只差大小写，登录 JupyterHub 时是同一个人）"
                    row_errors.append(RowError(row_no, "编号", f"与第 {first_row} 行重复{same}"))
        if row_errors:
            errors += row_errors
            continue
        seen[id_key(cid)] = (cid, row_no)
        out.append(Candidate(cid, v["姓名"], v["单位"], v.get("部门", ""), v.get("岗位", "")))
    errors += table.problems  # merged and formula cells, known once every row is read
    if not out and not errors:
        errors.append(RowError(None, "", "名单中没有考生"))
    return out, errors


def import_roster(project: Project, path: Path) -> tuple[list[Candidate], list[RowError]]:
    """All or nothing: errors leave both the gradebook and roster.csv untouched."""
    from .course import open_gradebook
    from .gradebook_db import locate

    candidates, errors = read_roster(path)
    if errors:
        return [], errors
    merged = {id_key(c.id): c for c in load_roster(project)}
    clash = [RowError(None, "编号", f"“{c.id}”与已导入名单中的“{merged[id_key(c.id)].id}”只差大小写，是同一考生：请统一写法")
             for c in candidates if id_key(c.id) in merged and merged[id_key(c.id)].id != c.id]
    if clash:
        return [], clash
    merged.update({id_key(c.id): c for c in candidates})
    with open_gradebook(project):
        pass  # creates nbgrader's tables in a new gradebook
    with atomic_path(roster_path(project)) as tmp:
        write_csv(tmp, ROSTER_HEADERS, ([c.id, c.name, c.unit, c.department, c.post]
                                        for c in sorted(merged.values(), key=lambda c: c.id)))
        _write_students(locate(project), candidates)
    return candidates, []


def _write_students(db, candidates: list[Candidate]) -> None:
    """What ``Gradebook.update_or_create_student(id, last_name=…, first_name="")`` does, for all of them at once.

    ``db`` is the gradebook's location (SQLite or PostgreSQL, see :mod:`.gradebook_db`); one transaction.
    """
    from sqlalchemy import text

    from .gradebook_db import connect

    rows = [{"id": c.id, "name": c.name} for c in candidates]
    with connect(db) as con, con.begin():
        if rows:
            con.execute(text("INSERT INTO student (id, first_name, last_name) VALUES (:id, '', :name) "
                             "ON CONFLICT (id) DO UPDATE SET first_name = '', last_name = excluded.last_name"), rows)


def load_roster(project: Project) -> list[Candidate]:
    path = roster_path(project)
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [Candidate(*(restore_cell(r.get(h) or "") for h in ROSTER_HEADERS)) for r in csv.DictReader(fh)]
