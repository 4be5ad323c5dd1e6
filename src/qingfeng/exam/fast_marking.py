"""``qingfeng mark`` (and ``qingfeng exam autograde``): mark every collected submission without running it.

A pipeline of named steps, each small:

0. ``check``      — the exam id, the key's checksum (:mod:`.key_integrity`), stale staging folders
1. ``discover``   — submissions under ``exams/submitted/<student>/<exam>/``; folder names checked as 编号
2. ``read``       — the notebook JSON, its answer cells and timestamp (bad ones become problems)
3. ``structure``  — cell types and nbgrader metadata from the source (:mod:`.submission_structure`);
                    tampering is reported, never obeyed
4. ``score``      — :func:`.scoring.score` on each answer read statically: the very function
                    the nbgrader test cells call, so scores equal ``nbgrader autograde``'s
5. ``render``     — the autograded notebook formgrader and feedback read, staged
6. ``write``      — gradebook rows in one transaction after a backup (:mod:`.gradebook_writer`)
7. ``publish``    — staged autograded notebooks moved into place

Steps 2–5 run in a process pool; one bad submission is reported by name and
never stops the others.  No candidate code ever runs.
"""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..ids import check_exam_id, child_path
from ..project import Project
from .answers import read_cell, source_text
from .autograded_notebook import fragments as _fragments
from .autograded_notebook import publish as _publish
from .autograded_notebook import stage_autograded
from .gradebook_db import locate
from .gradebook_writer import MarkedSubmission, backup, load_cell_map, write_marks
from .key_integrity import verify_key
from .keys import ExamKey, read_key
from .protected_files import protect
from .scoring import ItemScore, score
from .settings import marking_settings
from .staging import die_with_parent, exit_on_terminate, new_staging, remove_stale
from .submission_folders import discover, submission_jobs
from .submission_structure import Reference, Tampering, find_tampering, grade_id, reference_cells

__all__ = ["Problem", "MarkReport", "mark_exam", "mark_one", "Context", "marking_session", "commit", "stage_autograded",
           "discover", "static_scores"]

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
    tampering: list[Tampering] = field(default_factory=list)
    backup: Path | None = None
    stale_removed: list[Path] = field(default_factory=list)
    total_points: dict[str, float] = field(default_factory=dict)
    item_scores: dict[str, dict[str, float]] = field(default_factory=dict)  # student -> item -> points
    sources: dict[str, str] = field(default_factory=dict)  # answer sheets: candidate with an online submission -> "sheet"/"online"
    from_paper: list[str] = field(default_factory=list)  # left alone: the examiner chose their paper sheet
    window: object | None = None  # the timed sitting's .timing.SittingWindow, if any
    lateness: dict[str, object] = field(default_factory=dict)  # student -> .timing.Lateness (timed sittings)
    time_source: dict[str, str] = field(default_factory=dict)  # timed: student -> "service" (the Hub's clock) / "local"


_OUT = '"@@OUTPUT@@"'


@dataclass(frozen=True)
class Context:
    """What every worker needs, built once."""

    exam_id: str
    key: ExamKey
    fragments: tuple[tuple[str, str, str], ...]  # (kind, item id, JSON) per source cell, serialised once
    tail: str  # the notebook's metadata and format, as JSON
    staging: str
    refs: dict[str, Reference] = field(default_factory=dict)  # grade_id -> the cell as the source defines it
    build: str | None = None  # the source's build id: submissions of another build are refused
    window: object | None = None  # the timed sitting's .timing.SittingWindow (None: untimed)
    clock: dict | None = None  # the Hub's sitting clock: student -> (start, submissions) (.sitting_clock), None off a Hub


def _source_cells(project: Project, exam_id: str) -> tuple[tuple[dict, ...], dict]:
    nb = json.loads(child_path(project.exams_dir / "source", exam_id, f"{exam_id}.ipynb").read_text(encoding="utf-8"))
    return tuple(nb["cells"]), nb["metadata"]


def mark_one(ctx: Context, student: str, folder: str) -> tuple[MarkedSubmission | None, dict[str, ItemScore], Problem | None, list[Tampering]]:
    """Steps 2–5 for one submission; never raises for a bad submission."""
    path = Path(folder) / f"{ctx.exam_id}.ipynb"
    try:
        if path.is_symlink():  # a link could point at another candidate's paper, or at a file only root can read
            return None, {}, Problem(student, f"提交中的 {path.name} 是一个链接，不是文件，未评分"), []
        if not path.is_file():
            return None, {}, Problem(student, f"提交中没有 {path.name}（可能提交了别的试卷或改了文件名）"), []
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None, {}, Problem(student, f"{path.name} 超过 {MAX_NOTEBOOK_BYTES // 1024 // 1024} MB，疑似异常，未评分"), []
        nb = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            raise ValueError("not a notebook")
    except (ValueError, UnicodeDecodeError, OSError, RecursionError) as e:
        return None, {}, Problem(student, f"{path.name} 已损坏，无法读取（{type(e).__name__}），未评分"), []
    meta = (nb.get("metadata") or {}).get("qingfeng") if isinstance(nb.get("metadata"), dict) else None
    meta = meta if isinstance(meta, dict) else {}
    if meta.get("exam_id") not in (None, ctx.exam_id):
        return None, {}, Problem(student, f"提交的是试卷 {meta.get('exam_id')}，不是 {ctx.exam_id}，未评分"), []
    if ctx.build and meta.get("build") not in (None, ctx.build):
        return None, {}, Problem(student, f"提交的是试卷 {ctx.exam_id} 重新组卷之前的旧版本，不能按新答案评分，未评分"
                                          "（旧答案文件在 exams/keys/archive/）"), []
    cells = [c for c in nb["cells"] if isinstance(c, dict)]
    tampering = find_tampering(student, cells, ctx.refs)
    answers: dict[str, dict] = {}
    for cell in cells:
        gid = grade_id(cell)
        if gid.startswith("answer-") and gid in ctx.refs:
            answers[gid[len("answer-"):]] = cell  # duplicated ids: nbgrader's DeduplicateIds keeps the last
    scores: dict[str, ItemScore] = {}
    auto: dict[str, float | None] = {}
    responded: dict[str, bool] = {}
    for k in ctx.key.items:
        iid = k.entry.item_id
        cell = answers.get(iid)
        changed = cell is not None and _changed(cell, ctx.refs.get(f"answer-{iid}"))
        if cell is not None:  # a deleted cell gets no automatic comment, as in nbgrader
            responded[f"answer-{iid}"] = changed
        if k.entry.type in ("简答", "论述"):
            auto[f"answer-{iid}"] = None if changed else 0.0
            continue
        scores[iid] = score(k.entry, read_cell(cell))
        auto[f"test-{iid}"] = scores[iid].points
    stage_autograded(ctx, student, folder, answers, scores)
    timestamp = _timestamp(Path(folder))
    marked = MarkedSubmission(student, timestamp, auto, responded)
    if ctx.window is not None:
        from .late_marks import gradebook_fields
        from .sitting_record import started_at

        total = sum(v for v in auto.values() if v is not None)
        start = started_at(Path(folder))
        if ctx.clock is not None and student in ctx.clock:  # the service's clock overrides the candidate's own files
            start, times = ctx.clock[student]
            if times:
                timestamp = marked.timestamp = times[-1].astimezone(dt.timezone.utc).replace(tzinfo=None)
            marked.time_source = "service"
        marked.extension, marked.late_penalty, marked.lateness = gradebook_fields(ctx.window, start, timestamp, total)
        marked.timed = True
    return marked, scores, None, tampering


def _changed(cell: dict, ref: Reference | None) -> bool:
    """Like nbgrader: a solution cell whose checksum still matches the release was not answered.

    The checksum and the cell's metadata are the source's (``ref``), never the candidate's.
    """
    if ref is None or not ref.checksum:
        return True
    from nbformat import NotebookNode  # here, like nbgrader: answer sheets never need either
    from nbgrader.utils import compute_checksum  # here: importing nbgrader costs answer sheets 0.8 s for nothing

    try:
        # nbgrader's own checksum on a shallow node (a deep from_dict costs more than the marking);
        # on disk a source may be a list of lines, nbgrader checksums the joined text
        node = NotebookNode(source=source_text(cell.get("source")), cell_type=ref.cell_type,
                            metadata=NotebookNode(nbgrader=NotebookNode(ref.nbgrader)))
        return compute_checksum(node) != ref.checksum
    except Exception:
        return True


def _timestamp(folder: Path):
    try:
        text = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()[:100]
    except (OSError, UnicodeDecodeError):
        return None
    try:
        if text.endswith(" UTC"):  # what nbgrader submit writes; parse_utc handles every other form
            return dt.datetime.fromisoformat(text[:-4])
        if text.endswith(" CST"):  # nbgrader submit with Exchange.timezone = Asia/Shanghai (the course's setting):
            from .schedule import SHANGHAI  # China Standard Time, which a generic parser takes for UTC (8 hours off)

            local = dt.datetime.fromisoformat(text[:-4]).replace(tzinfo=SHANGHAI)
            return local.astimezone(dt.timezone.utc).replace(tzinfo=None)
        from nbgrader.utils import parse_utc

        return parse_utc(text).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return None


def _work(args):
    ctx, student, folder = args
    return student, mark_one(ctx, student, folder)


@contextmanager
def marking_session(project: Project, exam_id: str):
    """Steps shared by notebook and answer-sheet marking: checks, the key, the gradebook's cells, a staging folder."""
    from .registry import require_exam

    require_exam(project, check_exam_id(exam_id))
    verify_key(project.exams_dir, exam_id)
    key = read_key(project.exams_dir, exam_id)
    cmap = load_cell_map(locate(project), exam_id, exam_id)
    base, meta = _source_cells(project, exam_id)
    stale = remove_stale(project.exams_dir)
    staging = new_staging(project.exams_dir)
    tail = '"metadata": ' + json.dumps(meta, ensure_ascii=False) + ', "nbformat": 4, "nbformat_minor": 5}'
    build = (meta.get("qingfeng") or {}).get("build")
    from .timed_sitting import load_window

    window = load_window(project, exam_id)
    clock = None
    if window is not None:
        from .sitting_clock import examiner_times

        clock = examiner_times(exam_id)
    ctx = Context(exam_id, key, _fragments(base), tail, str(staging), reference_cells(base, cmap.checksums), build,
                  window, clock)
    try:
        with exit_on_terminate():
            yield ctx, cmap, stale
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def commit(project: Project, ctx: Context, cmap, marked: Iterable[MarkedSubmission], report: MarkReport,
           fail_after: int | None = None, notebooks: bool = True, before_commit=None, comments: bool = True) -> None:
    """Steps 6–7: back up, write the gradebook in one transaction, then publish the staged notebooks.

    ``marked`` may be a generator (answer sheets: read once, never held twice); ``notebooks=False``
    when nothing was staged (answer sheets make theirs on request, :mod:`.paper_notebooks`);
    ``before_commit`` may still refuse the whole write (:func:`.gradebook_writer.write_marks`);
    ``comments=False``: answer sheets, whose comment rows are made when needed (:mod:`.comment_rows`).
    """
    if isinstance(marked, list) and not marked:
        return
    db = locate(project)
    report.backup = backup(db, keep=marking_settings(project).keep_backups)
    protect(report.backup, project)
    write_marks(db, cmap, marked, fail_after=fail_after, before_commit=before_commit, comments=comments)
    if db.sqlite_path is not None:  # a PostgreSQL gradebook is guarded by its server's roles, not file modes
        protect(db.sqlite_path, project)
    if notebooks:
        _publish(project, ctx.exam_id, Path(ctx.staging), [m.student for m in marked])


def mark_exam(project: Project, exam_id: str, workers: int | None = None, progress=None, fail_after: int | None = None,
              student: str | None = None) -> MarkReport:
    from .sheet_choices import paper_students

    report = MarkReport(exam_id)
    paper = paper_students(project, exam_id)
    with marking_session(project, exam_id) as (ctx, cmap, stale):
        report.stale_removed = stale
        report.window = ctx.window
        jobs = []
        for job in submission_jobs(project, ctx, report, student):
            if job[1].casefold() in paper:  # the examiner chose this candidate's paper sheet (--prefer sheet)
                report.from_paper.append(job[1])
            else:
                jobs.append(job)
        marked: list[MarkedSubmission] = []
        for sid, (m, scores, problem, tampering) in _run(jobs, workers, progress):
            report.tampering += tampering
            if problem:
                report.problems.append(problem)
                continue
            marked.append(m)
            report.marked.append(sid)
            if m.lateness is not None:
                report.lateness[sid] = m.lateness
            if m.timed:
                report.time_source[sid] = m.time_source
            report.item_scores[sid] = {i: s.points for i, s in scores.items()}
            report.total_points[sid] = sum(s.points for s in scores.values())
            bad = [i for i, s in scores.items() if s.status == "not_literal"]
            if bad:
                report.not_literal[sid] = bad
        commit(project, ctx, cmap, marked, report, fail_after)
    return report


def static_scores(project: Project, exam_id: str) -> dict[str, dict[str, float]]:
    """Per candidate and item, the static scores of the collected papers, computed without writing anything."""
    with marking_session(project, exam_id) as (ctx, _cmap, _stale):
        report = MarkReport(exam_id)
        out = {}
        for sid, (m, scores, problem, _t) in _run(submission_jobs(project, ctx, report, None), 1, None):
            if problem is None:
                out[sid] = {i: s.points for i, s in scores.items()}
        return out


def _run(jobs, workers, progress):
    workers = workers or min(2, os.cpu_count() or 1)
    if workers <= 1 or len(jobs) < 50:
        return _collect(map(_work, jobs), progress)
    pool = multiprocessing.Pool(workers, initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        results = _collect(pool.imap(_work, jobs, chunksize=max(1, len(jobs) // (workers * 8))), progress)
        pool.close()
        return results
    finally:
        pool.terminate()  # on any exit, including SIGTERM turned into SystemExit: no worker is left behind
        pool.join()


def _collect(results, progress) -> list:
    out = []
    for r in results:
        out.append(r)
        if progress:
            progress(1)
    return out
