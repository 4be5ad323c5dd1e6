"""Submissions from people not on the course roster: set aside, never marked or counted.

On the Hub only roster learners can log in, but anyone with a Linux account
(an examiner's or trainer's own server, a terminal) could still drop a paper
into the world-writable exchange.  After ``collect`` such papers are moved
from ``exams/submitted/`` to ``exams/outside_roster/`` and named, so
``qingfeng mark``, autograde and the statistics never see them.  Without a
roster (one person's JupyterLab) nothing is moved.
"""
from __future__ import annotations

import shutil

from ..ids import id_key
from ..project import Project
from .roster import load_roster, roster_path

__all__ = ["set_aside_outside_roster"]


def set_aside_outside_roster(project: Project, exam_id: str) -> list[str]:
    """Move this exam's submissions by unknown 编号 aside; returns their ids."""
    if not roster_path(project).is_file():
        return []
    known = {id_key(c.id) for c in load_roster(project)}
    submitted = project.exams_dir / "submitted"
    moved = []
    for folder in sorted(submitted.glob(f"*/{exam_id}")) if submitted.is_dir() else []:
        student = folder.parent.name
        if id_key(student) in known:
            continue
        dest = project.exams_dir / "outside_roster" / student / exam_id
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(folder), str(dest))
        if not any(folder.parent.iterdir()):
            folder.parent.rmdir()
        moved.append(student)
    return moved
