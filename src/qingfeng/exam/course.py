"""The exam course folder (``exams/``) and the nbgrader steps run on it.

Every step is a small named function; nbgrader itself is driven through
its real command line (``python -m nbgrader …``) with the course folder as
working directory, so what runs here is what an examiner would type.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..bank import load_bank
from ..cases import load_library
from ..project import Project
from .blueprint import EXAM_ID, BlueprintError, load_blueprint
from .keys import write_key
from .notebook import render_notebook
from .paper import Paper, build_paper
from .schedule import to_nbgrader_utc

__all__ = ["NbgraderError", "BuiltExam", "build_exam", "nbgrader", "register_exam", "generate", "release",
           "collect", "autograde", "generate_feedback", "release_feedback", "blueprint_path", "source_notebook", "open_gradebook", "check_reveal_allowed"]


class NbgraderError(RuntimeError):
    pass


@dataclass(frozen=True)
class BuiltExam:
    exam_id: str
    notebook: Path
    key: Path
    paper: Paper


def blueprint_path(project: Project, name_or_path: str) -> Path:
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    return project.exams_dir / "blueprints" / f"{name_or_path.removesuffix('.yaml')}.yaml"


def source_notebook(project: Project, exam_id: str) -> Path:
    return project.exams_dir / "source" / exam_id / f"{exam_id}.ipynb"


def build_exam(project: Project, blueprint: str, exam_id: str, seed: int = 0, deadline: dt.datetime | None = None,
               paper: Paper | None = None) -> BuiltExam:
    """Draw the paper (or take ``paper``, one variant of an A/B sitting), write the source notebook and key, register it."""
    if not EXAM_ID.match(exam_id):
        raise BlueprintError(f"试卷编号“{exam_id}”不合适：只能用小写字母、数字、- 和 _，2 至 41 个字符")
    if paper is None:
        bp = load_blueprint(blueprint_path(project, blueprint))
        case_ids = {c.id for c in load_library(project.cases_dir).cases}
        paper = build_paper(bp, load_bank(project.bank_dir, case_ids), seed)
    nb_path = source_notebook(project, exam_id)
    nb_path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(render_notebook(paper, exam_id, deadline), str(nb_path))
    key = write_key(project.exams_dir, exam_id, paper)
    register_exam(project, exam_id, deadline)
    return BuiltExam(exam_id, nb_path, key, paper)


def register_exam(project: Project, exam_id: str, deadline: dt.datetime | None) -> None:
    """Create/update the assignment in the gradebook; the due date is stored as naive UTC."""
    due = to_nbgrader_utc(deadline) if deadline else None
    with open_gradebook(project) as gb:
        gb.update_or_create_assignment(exam_id, duedate=due)


def _tool_env() -> dict[str, str]:
    """The environment with this interpreter's scripts folder on PATH.

    nbgrader's Gradebook runs the ``alembic`` script by name, which fails when
    the virtual environment was not activated (``.venv/bin/qingfeng …``).
    """
    bin_dir = os.path.dirname(sys.executable)
    path = os.environ.get("PATH", "")
    if bin_dir not in path.split(os.pathsep):
        path = bin_dir + os.pathsep + path
    return {**os.environ, "PATH": path}


def open_gradebook(project: Project):
    """nbgrader's Gradebook for the course folder (use as a context manager)."""
    from nbgrader.api import Gradebook

    os.environ["PATH"] = _tool_env()["PATH"]
    return Gradebook(_db_url(project), course_id="qingfeng")


def _db_url(project: Project) -> str:
    return "sqlite:///" + str(project.exams_dir / "gradebook.db")


def nbgrader(project: Project, *args: str) -> str:
    """Run one nbgrader command in the course folder; a failure raises with nbgrader's own log."""
    env = {**_tool_env(), "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=project.exams_dir, env=env,
                          capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0 or "[ERROR]" in log:
        tail = "\n".join(log.strip().splitlines()[-15:])
        raise NbgraderError(f"nbgrader {' '.join(args)} 失败（退出码 {proc.returncode}）：\n{tail}")
    return log


def generate(project: Project, exam_id: str) -> str:
    return nbgrader(project, "generate_assignment", exam_id, "--force")


def release(project: Project, exam_id: str) -> str:
    return nbgrader(project, "release_assignment", exam_id, "--force")


def collect(project: Project, exam_id: str) -> str:
    return nbgrader(project, "collect", exam_id, "--update")


def autograde(project: Project, exam_id: str, student: str | None = None) -> str:
    extra = ["--student", student] if student else []
    log = nbgrader(project, "autograde", exam_id, "--force", "--create", *extra)
    settle_rubric_cells(project, exam_id)
    return log


def generate_feedback(project: Project, exam_id: str, reveal: bool = False) -> str:
    extra = ["--CandidateFeedback.reveal_answers=True"] if reveal else []
    return nbgrader(project, "generate_feedback", exam_id, "--force", *extra)


def release_feedback(project: Project, exam_id: str) -> str:
    return nbgrader(project, "release_feedback", exam_id)


def check_reveal_allowed(project: Project, exam_id: str, reveal: bool, now: dt.datetime | None = None) -> None:
    """Answers may be shown only after the deadline, and only if the blueprint allows it."""
    if not reveal:
        return
    from .keys import read_key
    from .schedule import from_nbgrader_utc, show

    if not read_key(project.exams_dir, exam_id).reveal_answers_after_close:
        raise ValueError(f"试卷 {exam_id} 的组卷方案设定为不公布答案（reveal_answers_after_close: false）")
    with open_gradebook(project) as gb:
        due = from_nbgrader_utc(gb.find_assignment(exam_id).duedate)
    now = now or dt.datetime.now(dt.timezone.utc)
    if due is None or now < due:
        raise ValueError(f"试卷 {exam_id} 尚未截止（截止时间：{show(due)}），不能在反馈中公布答案")


def settle_rubric_cells(project: Project, exam_id: str) -> int:
    """Rubric task cells carry 0 points; mark them done so only real answers await a marker."""
    n = 0
    with open_gradebook(project) as gb:
        for sub in gb.assignment_submissions(exam_id):
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.name.startswith("task-") and grade.max_score == 0 and grade.needs_manual_grade:
                        grade.manual_score = 0.0
                        grade.needs_manual_grade = False
                        n += 1
        gb.db.commit()
    return n


def set_manual_grade(project: Project, exam_id: str, student: str, item_id: str, score: float, comment: str = "") -> None:
    """Record a marker's score (and comment) for a subjective item, as formgrader would."""
    with open_gradebook(project) as gb:
        grade = gb.find_grade(f"answer-{item_id}", exam_id, exam_id, student)
        if score < 0 or score > grade.max_score:
            raise ValueError(f"第 {item_id} 题得分 {score:g} 超出范围（0～{grade.max_score:g}）")
        grade.manual_score = float(score)
        grade.needs_manual_grade = False
        if comment:
            gb.find_comment(f"answer-{item_id}", exam_id, exam_id, student).manual_comment = comment
        gb.db.commit()
