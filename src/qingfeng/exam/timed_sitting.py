"""``qingfeng exam schedule``: a timed sitting declared once, where every part of the system finds it.

The window (:class:`.timing.SittingWindow`) of each nbgrader assignment is
kept in ``exams/timing/<id>.json``; for an A/B sitting one declaration on the
exam id covers every variant.  A copy, ``.qingfeng-timing``, goes into
the source folder, so ``exam release`` carries it to the candidates and the
candidate server (:mod:`.candidate_server`) finds it next to the fetched
paper.  The gradebook's due date is set to the closing time, so nbgrader's
own notion of lateness never disagrees with the window.

Refused (Chinese message) unless ``force``: a closing or opening time already
past, and changing the times of a paper already released, collected or
marked — candidates who fetched it keep the times they were given.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from ..ids import check_exam_id, child_path
from ..project import Project
from .schedule import check_deadline, show
from .timing import SittingWindow, window_from_json

__all__ = ["CANDIDATE_FILE", "timing_path", "load_window", "declare_schedule", "ScheduleRefused"]

CANDIDATE_FILE = ".qingfeng-timing"  # no .json: the course ignores *.json when copying (nbgrader_config.py)


class ScheduleRefused(ValueError):
    """A schedule that would mislead candidates or examiners (message in Chinese)."""


def timing_path(project: Project, exam_id: str) -> Path:
    return child_path(project.exams_dir / "timing", f"{check_exam_id(exam_id)}.json")


def load_window(project: Project, exam_id: str) -> SittingWindow | None:
    """The window of one nbgrader assignment (a variant id), or None for an untimed paper."""
    path = timing_path(project, exam_id)
    if not path.is_file():
        return None
    try:
        return window_from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"{path}：考试时间文件已损坏（{e}），请重新运行 qingfeng exam schedule") from None


def _write_json(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path


def declare_schedule(project: Project, exam_id: str, opens: dt.datetime, closes: dt.datetime, duration_minutes: int,
                     late: str = "refuse", deduct_per_minute: float = 0.0, force: bool = False,
                     now: dt.datetime | None = None, grace_seconds: int = 60) -> list[SittingWindow]:
    """Check everything for every variant first, then write; returns the windows written."""
    from . import course
    from .registry import rebuild_blocker, require_exam
    from .sitting import exam_variants

    check_exam_id(exam_id)
    variants = exam_variants(project, exam_id)
    for _, vid in variants:
        require_exam(project, vid)
    windows = [SittingWindow(vid, opens, closes, duration_minutes, late, deduct_per_minute, grace_seconds) for _, vid in variants]
    now = now or dt.datetime.now(dt.timezone.utc)
    try:
        check_deadline(windows[0].closes, now=now, allow_past=force)
    except ValueError as e:
        raise ScheduleRefused(str(e).replace("截止时间", "考试结束时间", 1)) from None
    if windows[0].opens <= now and not force:
        raise ScheduleRefused(f"开考时间 {show(windows[0].opens)} 已经过去：已经领取试卷的考生会按这个时间少算用时。"
                              "如确需补录或立即开考，请加 --force")
    blocked = [f"{vid} {why}" for _, vid in variants if (why := rebuild_blocker(project, vid))]
    if blocked and not force:
        raise ScheduleRefused(f"{'；'.join(blocked)}：已领取试卷的考生手中是原来的考试时间，改动会使考生和阅卷的计时不一致。"
                              "如确需更改，请加 --force，并重新发布（qingfeng exam release）")
    for w in windows:
        data = w.as_json()
        _write_json(timing_path(project, w.exam_id), data)
        for folder in ("source", "release"):
            d = child_path(project.exams_dir / folder, w.exam_id)
            if d.is_dir():
                _write_json(d / CANDIDATE_FILE, data)
        course.register_exam(project, w.exam_id, w.closes)
    return windows
