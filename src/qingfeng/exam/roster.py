"""The candidate roster: 编号, 姓名, 单位, 部门, 岗位.

Imported from the xlsx/csv units keep; candidates go into nbgrader's
gradebook (id = 编号, name in last_name) and the unit data into
``exams/roster.csv`` (UTF-8 with BOM), which statistics read.  The roster
holds personal data and is not committed (see .gitignore).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..chinese_text import normalise
from ..ids import IdError, check_person_id, id_key
from ..project import Project
from ..spreadsheet import RowError, SheetError, read_table

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
        v = {names[h]: normalise(val) for h, val in cells.items() if h in names}
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
    if not out and not errors:
        errors.append(RowError(None, "", "名单中没有考生"))
    return out, errors


def import_roster(project: Project, path: Path) -> tuple[list[Candidate], list[RowError]]:
    """All or nothing: errors leave both the gradebook and roster.csv untouched."""
    from .course import open_gradebook

    candidates, errors = read_roster(path)
    if errors:
        return [], errors
    merged = {id_key(c.id): c for c in load_roster(project)}
    clash = [RowError(None, "编号", f"“{c.id}”与已导入名单中的“{merged[id_key(c.id)].id}”只差大小写，是同一考生：请统一写法")
             for c in candidates if id_key(c.id) in merged and merged[id_key(c.id)].id != c.id]
    if clash:
        return [], clash
    merged.update({id_key(c.id): c for c in candidates})
    with open_gradebook(project) as gb:
        for c in candidates:
            gb.update_or_create_student(c.id, last_name=c.name, first_name="")
    target = roster_path(project)
    tmp = target.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ROSTER_HEADERS)
        for c in sorted(merged.values(), key=lambda c: c.id):
            w.writerow([c.id, c.name, c.unit, c.department, c.post])
    tmp.replace(target)
    return candidates, []


def load_roster(project: Project) -> list[Candidate]:
    path = roster_path(project)
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [Candidate(r["编号"], r["姓名"], r["单位"], r.get("部门", ""), r.get("岗位", "")) for r in csv.DictReader(fh)]
