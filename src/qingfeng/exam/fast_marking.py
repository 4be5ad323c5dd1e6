"""``qingfeng mark``: mark every collected submission without running it.

A pipeline of named steps, each small:

1. ``discover``   — submissions under ``exams/submitted/<student>/<exam>/``
2. ``read``       — the notebook JSON, its answer cells and timestamp (bad ones become problems)
3. ``score``      — :func:`.scoring.score` on each answer read statically: the very function
                    the nbgrader test cells call, so scores equal ``nbgrader autograde``'s
4. ``render``     — the autograded notebook formgrader and feedback read, staged
5. ``write``      — gradebook rows in one transaction after a backup (:mod:`.gradebook_writer`)
6. ``publish``    — staged autograded notebooks moved into place

Steps 2–4 run in a process pool; one bad submission is reported by name and
never stops the others.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.utils import compute_checksum, parse_utc
from nbformat import NotebookNode

from ..project import Project
from .answers import AnswerRead, read_answer
from .gradebook_writer import MarkedSubmission, backup, load_cell_map, write_marks
from .keys import ExamKey, read_key
from .scoring import ItemScore, score

__all__ = ["Problem", "MarkReport", "mark_exam", "mark_one", "Context", "marking_session", "commit", "stage_autograded"]

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    student: str
    message: str


@dataclass
class MarkReport:
    exam_id: str
    marked: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    not_literal: dict[str, list[str]] = field(default_factory=dict)  # student -> items edited into code
    backup: Path | None = None
    total_points: dict[str, float] = field(default_factory=dict)


_OUT = '"@@OUTPUT@@"'


@dataclass(frozen=True)
class Context:
    """What every worker needs, built once."""

    exam_id: str
    key: ExamKey
    fragments: tuple[tuple[str, str, str], ...]  # (kind, item id, JSON) per source cell, serialised once
    tail: str  # the notebook's metadata and format, as JSON
    staging: str


def _fragments(cells: tuple[dict, ...]) -> tuple[tuple[str, str, str], ...]:
    """The source notebook's cells as JSON text: locked cells, hidden tests and mark schemes as formgrader needs them."""
    out = []
    for cell in cells:
        gid = _gid(cell)
        if gid.startswith("answer-"):
            out.append(("answer", gid[len("answer-"):], ""))
        elif gid.startswith("test-"):
            out.append(("test", gid[len("test-"):], json.dumps({**cell, "execution_count": None, "outputs": ["@@OUTPUT@@"]}, ensure_ascii=False)))
        else:
            out.append(("static", "", json.dumps(cell, ensure_ascii=False)))
    return tuple(out)


def _source_cells(project: Project, exam_id: str) -> tuple[tuple[dict, ...], dict]:
    nb = json.loads((project.exams_dir / "source" / exam_id / f"{exam_id}.ipynb").read_text(encoding="utf-8"))
    return tuple(nb["cells"]), nb["metadata"]


def _gid(cell: dict) -> str:
    gid = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id", "")
    return gid if isinstance(gid, str) else ""


def _text(src) -> str:
    return "".join(src) if isinstance(src, list) else str(src or "")


def mark_one(ctx: Context, student: str, folder: str) -> tuple[MarkedSubmission | None, dict[str, ItemScore], Problem | None]:
    """Steps 2–4 for one submission; never raises for a bad submission."""
    path = Path(folder) / f"{ctx.exam_id}.ipynb"
    try:
        if not path.is_file():
            return None, {}, Problem(student, f"提交中没有 {path.name}（可能提交了别的试卷或改了文件名）")
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None, {}, Problem(student, f"{path.name} 超过 {MAX_NOTEBOOK_BYTES // 1024 // 1024} MB，疑似异常，未评分")
        nb = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            raise ValueError("not a notebook")
    except (ValueError, UnicodeDecodeError, OSError) as e:
        return None, {}, Problem(student, f"{path.name} 已损坏，无法读取（{type(e).__name__}），未评分")
    meta_exam = ((nb.get("metadata") or {}).get("qingfeng") or {}).get("exam_id")
    if meta_exam not in (None, ctx.exam_id):
        return None, {}, Problem(student, f"提交的是试卷 {meta_exam}，不是 {ctx.exam_id}，未评分")
    answers: dict[str, dict] = {}
    for cell in nb["cells"]:
        if isinstance(cell, dict) and _gid(cell).startswith("answer-"):
            answers[_gid(cell)[len("answer-"):]] = cell  # duplicated ids: nbgrader's DeduplicateIds keeps the last
    scores: dict[str, ItemScore] = {}
    auto: dict[str, float | None] = {}
    responded: dict[str, bool] = {}
    for k in ctx.key.items:
        iid = k.entry.item_id
        cell = answers.get(iid)
        changed = cell is not None and _changed(cell)
        if cell is not None:  # a deleted cell gets no automatic comment, as in nbgrader
            responded[f"answer-{iid}"] = changed
        if k.entry.type in ("简答", "论述"):
            auto[f"answer-{iid}"] = None if changed else 0.0
            continue
        read = read_answer(_text(cell.get("source"))) if cell is not None else AnswerRead("missing")
        scores[iid] = score(k.entry, read)
        auto[f"test-{iid}"] = scores[iid].points
    stage_autograded(ctx, student, folder, answers, scores)
    timestamp = _timestamp(Path(folder))
    return MarkedSubmission(student, timestamp, auto, responded), scores, None


def _changed(cell: dict) -> bool:
    """Like nbgrader: a solution cell whose checksum still matches the release was not answered."""
    checksum = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("checksum")
    if not checksum:
        return True
    try:
        # nbgrader's own checksum on a shallow node (a deep from_dict costs more than the marking);
        # on disk a source may be a list of lines, nbgrader checksums the joined text
        node = NotebookNode(source=_text(cell.get("source")), cell_type=cell.get("cell_type"),
                            metadata=NotebookNode(nbgrader=NotebookNode(cell["metadata"]["nbgrader"])))
        return compute_checksum(node) != checksum
    except Exception:
        return True


def _timestamp(folder: Path):
    try:
        text = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    try:
        if text.endswith(" UTC"):  # what nbgrader submit writes; parse_utc handles every other form
            return dt.datetime.fromisoformat(text[:-4])
        return parse_utc(text).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return None


def stage_autograded(ctx: Context, student: str, folder: str | None, answers: dict[str, dict], scores: dict[str, ItemScore]) -> None:
    """The notebook formgrader shows: locked cells from the source, the candidate's answers, scores as outputs."""
    parts = []
    for kind, iid, text in ctx.fragments:
        if kind == "answer":
            mine = answers.get(iid)
            if mine is not None:
                code = mine.get("cell_type") == "code"
                parts.append(json.dumps({**mine, "outputs": [], "execution_count": None} if code else mine, ensure_ascii=False))
        elif kind == "test" and iid in scores:
            result = {"output_type": "execute_result", "execution_count": None, "metadata": {},
                      "data": {"text/plain": repr(float(scores[iid].points))}}
            parts.append(text.replace(_OUT, json.dumps(result)))
        else:
            parts.append(text)
    out = Path(ctx.staging) / student
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{ctx.exam_id}.ipynb").write_text('{"cells": [' + ", ".join(parts) + "], " + ctx.tail, encoding="utf-8")
    # nbgrader autograde carries these over; release_feedback needs the secret to name each candidate's feedback
    for name in ("timestamp.txt", "submission_secret.txt"):
        extra = Path(folder) / name if folder else None
        if extra is not None and extra.is_file():
            shutil.copy(extra, out / name)


def discover(project: Project, exam_id: str) -> list[tuple[str, Path]]:
    root = project.exams_dir / "submitted"
    if not root.is_dir():
        return []
    return sorted((d.name, d / exam_id) for d in root.iterdir() if (d / exam_id).is_dir())


def _work(args):
    ctx, student, folder = args
    return student, mark_one(ctx, student, folder)


@contextmanager
def marking_session(project: Project, exam_id: str):
    """Steps shared by notebook and answer-sheet marking: the key, the gradebook's cells, a staging folder."""
    key = read_key(project.exams_dir, exam_id)
    db = project.exams_dir / "gradebook.db"
    cmap = load_cell_map(db, exam_id, exam_id)
    base, meta = _source_cells(project, exam_id)
    staging = Path(tempfile.mkdtemp(prefix=".qingfeng-mark-", dir=project.exams_dir))
    tail = '"metadata": ' + json.dumps(meta, ensure_ascii=False) + ', "nbformat": 4, "nbformat_minor": 5}'
    try:
        yield Context(exam_id, key, _fragments(base), tail, str(staging)), cmap
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def commit(project: Project, ctx: Context, cmap, marked: list[MarkedSubmission], report: MarkReport,
           fail_after: int | None = None) -> None:
    """Steps 5–6: back up, write the gradebook in one transaction, then publish the staged notebooks."""
    if not marked:
        return
    db = project.exams_dir / "gradebook.db"
    report.backup = backup(db)
    write_marks(db, cmap, marked, fail_after=fail_after)
    _publish(project, ctx.exam_id, Path(ctx.staging), [m.student for m in marked])


def mark_exam(project: Project, exam_id: str, workers: int | None = None, progress=None, fail_after: int | None = None) -> MarkReport:
    report = MarkReport(exam_id)
    with marking_session(project, exam_id) as (ctx, cmap):
        seen: dict[str, str] = {}
        jobs = []
        for student, folder in discover(project, exam_id):
            if student.casefold() in seen:
                report.problems.append(Problem(student, f"与考生 {seen[student.casefold()]} 的编号只差大小写，疑似重复提交，未评分"))
                continue
            seen[student.casefold()] = student
            jobs.append((ctx, student, str(folder)))
        marked: list[MarkedSubmission] = []
        for student, (m, scores, problem) in _run(jobs, workers, progress):
            if problem:
                report.problems.append(problem)
                continue
            marked.append(m)
            report.marked.append(student)
            report.total_points[student] = sum(s.points for s in scores.values())
            bad = [i for i, s in scores.items() if s.status == "not_literal"]
            if bad:
                report.not_literal[student] = bad
        commit(project, ctx, cmap, marked, report, fail_after)
    return report


def _run(jobs, workers, progress):
    workers = workers or min(2, os.cpu_count() or 1)
    if workers <= 1 or len(jobs) < 50:
        return _collect(map(_work, jobs), progress)
    with ProcessPoolExecutor(workers) as pool:
        return _collect(pool.map(_work, jobs, chunksize=max(1, len(jobs) // (workers * 8))), progress)


def _collect(results, progress) -> list:
    out = []
    for r in results:
        out.append(r)
        if progress:
            progress(1)
    return out


def _publish(project: Project, exam_id: str, staging: Path, students: list[str]) -> None:
    for student in students:
        dest = project.exams_dir / "autograded" / student / exam_id
        dest.mkdir(parents=True, exist_ok=True)
        for f in (staging / student).iterdir():
            os.replace(f, dest / f.name)
