"""Learners from the accounts roster into the course copy's roster and gradebook.

On the Hub a submission is filed under the Linux user who made it, which is
the 编号 in lower case; so the course roster records learners by their
login, and statistics match every submission to its person instead of
counting it as （名单外）.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..exam.roster import import_roster, read_roster, roster_path
from ..project import find_project
from ..spreadsheet import write_csv
from .accounts import Account
from .layout import Layout

__all__ = ["sync_course_roster"]


def sync_course_roster(source: Path, accounts: list[Account], lay: Layout) -> int:
    """Register the roster's learners in the course copy (if prepared); returns how many."""
    if not (lay.course / "qingfeng.toml").is_file():
        return 0
    learners = {a.person_id: a for a in accounts if a.role == "learner"}
    if not learners:
        return 0
    candidates, _ = read_roster(source)
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "roster.csv"
        write_csv(table, ["编号", "姓名", "单位", "部门", "岗位"],
                  ([learners[c.id].login, c.name, c.unit, c.department, c.post] for c in candidates if c.id in learners))
        project = find_project(lay.course)
        added, errors = import_roster(project, table)
    if errors:
        raise RuntimeError("；".join(map(str, errors)))
    for path in (roster_path(project), project.exams_dir / "gradebook.db"):
        if path.exists():
            shutil.chown(path, lay.grader_user, lay.examiners_group)
            os.chmod(path, 0o660)
    return len(added)
