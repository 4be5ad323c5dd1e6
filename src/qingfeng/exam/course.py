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
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..bank import load_bank
from ..cases import load_library
from ..project import Project
from ..ids import check_exam_id
from .blueprint import BlueprintError, load_blueprint
from .key_integrity import record_checksum, verify_key
from .keys import write_key
from .notebook import render_notebook
from .paper import Paper, build_paper
from .protected_files import protect
from .registry import archive_exam, rebuild_blocker, require_exam
from .schedule import check_deadline, to_nbgrader_utc

__all__ = ["NbgraderError", "RebuildRefused", "BuiltExam", "build_exam", "nbgrader", "register_exam", "generate", "release",
           "collect", "autograde", "nbgrader_autograde", "generate_feedback", "release_feedback", "blueprint_path", "source_notebook", "open_gradebook", "check_reveal_allowed"]


class NbgraderError(RuntimeError):
    pass


class RebuildRefused(ValueError):
    """Rebuilding an exam that candidates already have (message in Chinese)."""


@dataclass(frozen=True)
class BuiltExam:
    exam_id: str
    notebook: Path
    key: Path
    paper: Paper
    archived: tuple[Path, ...] = ()  # the previous key and source, when a released exam was rebuilt with force


def blueprint_path(project: Project, name_or_path: str) -> Path:
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    return project.exams_dir / "blueprints" / f"{name_or_path.removesuffix('.yaml')}.yaml"


def source_notebook(project: Project, exam_id: str) -> Path:
    from ..ids import child_path

    return child_path(project.exams_dir / "source", check_exam_id(exam_id), f"{exam_id}.ipynb")


def build_exam(project: Project, blueprint: str, exam_id: str, seed: int = 0, deadline: dt.datetime | None = None,
               force: bool = False, allow_past: bool = False, paper: Paper | None = None) -> BuiltExam:
    """Draw the paper (or take ``paper``, one variant of an A/B sitting), write the source notebook and key, register it.

    Everything is checked before anything is written: the id, the deadline (a
    past one only with ``allow_past``), the blueprint and bank, and whether the
    exam was already released or marked (then only with ``force``, and the old
    key and source are archived first, never overwritten).
    """
    try:
        check_exam_id(exam_id)
    except ValueError as e:
        raise BlueprintError(str(e)) from None
    if deadline is not None:
        check_deadline(deadline, allow_past=allow_past)
    if paper is None:
        bp = load_blueprint(blueprint_path(project, blueprint))
        case_ids = {c.id for c in load_library(project.cases_dir).cases}
        paper = build_paper(bp, load_bank(project.bank_dir, case_ids), seed)
    notebook = render_notebook(paper, exam_id, deadline)
    notebook.metadata["qingfeng"]["build"] = uuid.uuid4().hex  # submissions of an older build are not marked against this key
    blocker = rebuild_blocker(project, exam_id)
    if blocker and not force:
        raise RebuildRefused(f"试卷 {exam_id} {blocker}：重新组卷会替换答案文件，已交的答卷将按新答案评分。"
                             f"如确需重新组卷，请加 --force（旧答案文件和源试卷会先存档到 exams/keys/archive/）")
    archived = tuple(archive_exam(project, exam_id)) if blocker else ()
    nb_path = source_notebook(project, exam_id)
    nb_path.parent.mkdir(parents=True, exist_ok=True)
    protect(nb_path.parent.parent, project)
    protect(nb_path.parent, project)
    tmp = nb_path.with_name(f".{nb_path.name}.tmp")
    nbformat.write(notebook, str(tmp))
    protect(tmp, project)
    os.replace(tmp, nb_path)
    key = write_key(project.exams_dir, exam_id, paper)
    protect(key.parent, project)
    protect(key, project)
    record_checksum(project.exams_dir, exam_id, project)
    register_exam(project, exam_id, deadline)
    return BuiltExam(exam_id, nb_path, key, paper, archived)


def register_exam(project: Project, exam_id: str, deadline: dt.datetime | None) -> None:
    """Create/update the assignment in the gradebook; the due date is stored as naive UTC."""
    with open_gradebook(project) as gb:
        if deadline is not None:
            gb.update_or_create_assignment(exam_id, duedate=to_nbgrader_utc(deadline))
        else:  # a rebuild without --deadline keeps the deadline it had
            gb.update_or_create_assignment(exam_id)
    from .gradebook_db import locate, use_large_pages

    use_large_pages(locate(project))
    protect(project.exams_dir / "gradebook.db", project)


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
    from .gradebook_db import locate

    return locate(project).url


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
    require_exam(project, exam_id)
    log = nbgrader(project, "generate_assignment", exam_id, "--force")
    protect(project.exams_dir / "gradebook.db", project)
    return log


def release(project: Project, exam_id: str) -> str:
    """Release the candidates' version; the key must still match its build checksum (recorded here if missing)."""
    from .key_integrity import checksum_path

    require_exam(project, exam_id)
    if not checksum_path(project.exams_dir, exam_id).is_file():
        record_checksum(project.exams_dir, exam_id, project)  # an exam built before checksums were kept
    verify_key(project.exams_dir, exam_id)
    return nbgrader(project, "release_assignment", exam_id, "--force")


def collect(project: Project, exam_id: str) -> str:
    require_exam(project, exam_id)
    return nbgrader(project, "collect", exam_id, "--update")


def autograde(project: Project, exam_id: str, student: str | None = None):
    """Mark collected papers statically (the ``qingfeng mark`` pipeline): no candidate code runs.

    Returns the :class:`.fast_marking.MarkReport`.  Real ``nbgrader autograde``
    is only run as a check, in a sandbox (:mod:`.sandbox`).
    """
    from .fast_marking import mark_exam

    return mark_exam(project, exam_id, student=student)


def nbgrader_autograde(project: Project, exam_id: str, student: str | None = None) -> str:
    """Real ``nbgrader autograde`` on ``project``: it RUNS candidate code as the calling user.

    Only for a throw-away copy whose submissions are trusted (benchmarks,
    equivalence tests on simulated papers) or inside :mod:`.sandbox`.
    """
    from .late_marks import prepare_nbgrader

    extra = ["--student", student] if student else []
    prepare_nbgrader(project, exam_id)  # a timed sitting: each candidate's own deadline as nbgrader's extension
    # the course's config marks without running (.guarded_execute): this copy's papers are trusted
    log = nbgrader(project, "autograde", exam_id, "--force", "--create", "--MarkWithoutRunning.run_candidate_code=True", *extra)
    settle_rubric_cells(project, exam_id)
    return log


def generate_feedback(project: Project, exam_id: str, reveal: bool = False) -> str:
    require_exam(project, exam_id)
    verify_key(project.exams_dir, exam_id)
    extra = ["--CandidateFeedback.reveal_answers=True"] if reveal else []
    return nbgrader(project, "generate_feedback", exam_id, "--force", *extra)


def release_feedback(project: Project, exam_id: str) -> str:
    require_exam(project, exam_id)
    return nbgrader(project, "release_feedback", exam_id)


def check_reveal_allowed(project: Project, exam_id: str, reveal: bool, now: dt.datetime | None = None) -> None:
    """Answers may be shown only after the deadline, and only if the blueprint allows it."""
    if not reveal:
        return
    require_exam(project, exam_id)
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
    from nbgrader.api import MissingEntry

    from .keys import read_key
    from .registry import UnknownExam, require_candidate

    student = require_candidate(project, exam_id, student)
    key = read_key(project.exams_dir, exam_id)
    essays = [k.entry.item_id for k in key.items if k.entry.type in ("简答", "论述")]
    if item_id not in essays:
        what = "是客观题，由系统评分" if any(k.entry.item_id == item_id for k in key.items) else "不在这份试卷中"
        raise UnknownExam(f"试卷 {exam_id} 的第 {item_id} 题{what}；可人工评分的题目：{'、'.join(essays)}")
    if comment:  # a paper candidate's comment rows are made when first needed (.comment_rows)
        from .comment_rows import ensure_comment_rows
        from .gradebook_db import connect, locate

        with connect(locate(project)) as con, con.begin():
            ensure_comment_rows(con, exam_id, [student])
    with open_gradebook(project) as gb:
        try:
            grade = gb.find_grade(f"answer-{item_id}", exam_id, exam_id, student)
        except MissingEntry:
            raise UnknownExam(f"成绩库中没有考生 {student} 第 {item_id} 题的评分记录：请先运行 qingfeng exam autograde {exam_id}") from None
        if score < 0 or score > grade.max_score:
            raise ValueError(f"第 {item_id} 题得分 {score:g} 超出范围（0～{grade.max_score:g}）")
        grade.manual_score = float(score)
        grade.needs_manual_grade = False
        if comment:
            gb.find_comment(f"answer-{item_id}", exam_id, exam_id, student).manual_comment = comment
        gb.db.commit()
