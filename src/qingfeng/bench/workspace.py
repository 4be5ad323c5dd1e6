"""A throw-away copy of the project for benchmarks, so runs never touch the real gradebook."""
from __future__ import annotations

import shutil
from pathlib import Path

from ..project import Project, find_project

__all__ = ["scratch_project"]


def scratch_project(source: Project, dest: Path) -> Project:
    dest.mkdir(parents=True)
    for name in ("qingfeng.toml", "nbgrader_config.py"):
        shutil.copy(source.root / name, dest / name)
    shutil.copytree(source.cases_dir.parent, dest / "risk_case_library")
    (dest / "exams").mkdir()
    shutil.copy(source.exams_dir / "nbgrader_config.py", dest / "exams" / "nbgrader_config.py")
    for sub in ("bank", "blueprints"):
        shutil.copytree(source.exams_dir / sub, dest / "exams" / sub)
    return find_project(dest)
