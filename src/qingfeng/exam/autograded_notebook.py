"""Steps 5 and 7 of marking: the autograded notebook formgrader and feedback read, staged then published.

Every cell's structure comes from the examiner's source (locked cells,
hidden tests and mark schemes verbatim; answer cells through
:func:`.submission_structure.as_source_says`); only the candidate's answer
text is theirs.  Test cells carry the item's score as their output, as
``nbgrader autograde`` leaves them.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ..ids import check_person_id, child_path
from ..project import Project
from .protected_files import protect
from .submission_structure import as_source_says, grade_id

if TYPE_CHECKING:  # annotations only: fast_marking imports this module
    from .fast_marking import Context
    from .scoring import ItemScore

__all__ = ["fragments", "score_output", "stage_autograded", "publish"]

_OUT = '"@@OUTPUT@@"'


def score_output(points: float) -> dict:
    """A test cell's output carrying its item's score, as nbgrader's partial credit reads it."""
    return {"output_type": "execute_result", "execution_count": None, "metadata": {}, "data": {"text/plain": repr(float(points))}}


def fragments(cells: tuple[dict, ...]) -> tuple[tuple[str, str, str], ...]:
    """The source notebook's cells as JSON text: locked cells, hidden tests and mark schemes as formgrader needs them."""
    out = []
    for cell in cells:
        gid = grade_id(cell)
        if gid.startswith("answer-"):
            out.append(("answer", gid[len("answer-"):], ""))
        elif gid.startswith("test-"):
            out.append(("test", gid[len("test-"):], json.dumps({**cell, "execution_count": None, "outputs": ["@@OUTPUT@@"]}, ensure_ascii=False)))
        else:
            out.append(("static", "", json.dumps(cell, ensure_ascii=False)))
    return tuple(out)


def stage_autograded(ctx: Context, student: str, folder: str | None, answers: dict[str, dict], scores: dict[str, ItemScore]) -> None:
    """The notebook formgrader shows: every cell's structure from the source, the candidate's answer text, scores as outputs."""
    from .sanitise import sanitise_cell  # here: bleach is not needed by answer sheets, which stage no notebook

    parts = []
    for kind, iid, text in ctx.fragments:
        if kind == "answer":
            mine, ref = answers.get(iid), ctx.refs.get(f"answer-{iid}")
            if mine is not None:
                cell = as_source_says(mine, ref) if ref is not None else mine
                cell = sanitise_cell(cell)  # the candidate's text reaches the examiner's browser (see .sanitise)
                parts.append(json.dumps(cell, ensure_ascii=False))
        elif kind == "test" and iid in scores:
            parts.append(text.replace(_OUT, json.dumps(score_output(scores[iid].points))))
        else:
            parts.append(text)
    out = child_path(Path(ctx.staging), student)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{ctx.exam_id}.ipynb").write_text('{"cells": [' + ", ".join(parts) + "], " + ctx.tail, encoding="utf-8")
    for name in ("timestamp.txt", "submission_secret.txt") if folder else ():  # release_feedback needs the secret
        f = Path(folder) / name
        if f.is_file() and not f.is_symlink() and f.stat().st_size < 4096:
            shutil.copy(f, out / name)


def publish(project: Project, exam_id: str, staging: Path, students: list[str]) -> None:
    autograded = project.exams_dir / "autograded"
    for student in students:
        dest = child_path(autograded, check_person_id(student), exam_id)
        dest.mkdir(parents=True, exist_ok=True)
        for f in child_path(staging, student).iterdir():
            os.replace(f, dest / f.name)
            protect(dest / f.name, project)  # the autograded notebook holds the mark schemes
