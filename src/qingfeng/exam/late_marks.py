"""A timed sitting's late policy in the gradebook, the same for ``qingfeng mark`` and ``nbgrader autograde``.

nbgrader already has the two columns a per-candidate deadline needs:

* ``submitted_assignment.extension`` — added to the assignment's due date
  (the sitting's closing time, :mod:`.timed_sitting`).  A candidate who
  started at 09:20 on a 90-minute paper closing at 11:30 has until 10:50,
  so their extension is −40 minutes: nbgrader's ``total_seconds_late``
  then counts from the candidate's own deadline;
* ``submitted_notebook.late_submission_penalty`` — what nbgrader subtracts
  from the notebook's score, computed by a ``LateSubmissionPlugin``.

:class:`TimedSittingPenalty` is that plugin (registered in
``exams/nbgrader_config.py``): refuse → the whole score (nbgrader's own
``zero`` method), flag → none, deduct → the window's per-minute rule.
``qingfeng mark`` writes the same two values itself (:func:`gradebook_fields`),
and every report reads them back (:func:`lateness_from_gradebook`).

The start comes from the ``.qingfeng-sitting`` record that was submitted with
the paper (:mod:`.sitting_record`); the submission time is nbgrader's
``timestamp.txt``, which the candidate's own nbgrader writes.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Unicode

from .timing import Lateness, SittingWindow

__all__ = ["extension_for", "penalty_for", "gradebook_fields", "lateness_from_gradebook", "read_interval", "table_lateness",
           "TimedSittingPenalty", "prepare_nbgrader"]

UTC = dt.timezone.utc


def extension_for(window: SittingWindow, start: dt.datetime | None) -> dt.timedelta:
    """The candidate's deadline minus the closing time (zero or negative)."""
    return window.deadline(start) - window.closes


def penalty_for(lateness: Lateness, score: float) -> float | None:
    """nbgrader's ``late_submission_penalty`` for this lateness (None: no penalty)."""
    if not lateness.late:
        return None
    if not lateness.counted:
        return max(score, 0.0)
    return lateness.deduction if lateness.deduction else None


def gradebook_fields(window: SittingWindow, start: dt.datetime | None, timestamp_utc: dt.datetime | None,
                     score: float) -> tuple[dt.timedelta, float | None, Lateness]:
    """(extension, late_submission_penalty, Lateness) of one submission; ``timestamp_utc`` naive UTC as nbgrader keeps it."""
    submitted = timestamp_utc.replace(tzinfo=UTC) if timestamp_utc is not None else None
    lateness = window.lateness(submitted, start, score)
    return extension_for(window, start), penalty_for(lateness, score), lateness


def lateness_from_gradebook(window: SittingWindow, timestamp_utc: dt.datetime | None, extension: dt.timedelta | None,
                            score: float) -> Lateness:
    """What a report shows, from the gradebook's own columns (whichever pipeline wrote them)."""
    if timestamp_utc is None:
        return window.lateness_by_seconds(0)
    deadline = window.closes + (extension or dt.timedelta(0))
    seconds = (timestamp_utc.replace(tzinfo=UTC) - deadline).total_seconds()
    return window.lateness_by_seconds(seconds, score)


def read_interval(value) -> dt.timedelta | None:
    """An Interval read by plain SQL: a timedelta (PostgreSQL) or SQLAlchemy's epoch-based text (SQLite)."""
    if value is None or isinstance(value, dt.timedelta):
        return value
    try:
        return dt.datetime.fromisoformat(str(value)) - dt.datetime(1970, 1, 1)
    except ValueError:
        return None


def _utc(value) -> dt.datetime | None:
    if value is None or value != value:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    return value.replace(tzinfo=None) if isinstance(value, dt.datetime) else None


def table_lateness(project, exam_id: str, stamps, extensions: dict, totals) -> dict[str, Lateness]:
    """编号 -> Lateness for every marked candidate of a timed sitting ({} for an untimed paper)."""
    from .timed_sitting import load_window

    window = load_window(project, exam_id)
    if window is None:
        return {}
    out = {}
    for sid, stamp in stamps.items():
        total = float(totals.get(sid, 0.0)) if totals.get(sid, 0.0) == totals.get(sid, 0.0) else 0.0
        out[sid] = lateness_from_gradebook(window, _utc(stamp), read_interval(extensions.get(sid)), total)
    return out


class TimedSittingPenalty(LateSubmissionPlugin):
    """nbgrader's late-penalty plugin for a timed sitting (untimed papers: nbgrader's default, no penalty)."""

    course_root = Unicode("", help="课程文件夹（exams/）；默认为 nbgrader 运行时的当前文件夹").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float):
        import json

        from .timing import window_from_json

        assignment = getattr(self.parent, "assignment_id", None)
        root = Path(self.course_root or os.getcwd())
        try:
            window = window_from_json(json.loads((root / "timing" / f"{assignment}.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return super().late_submission_penalty(student_id, score, total_seconds_late)
        lateness = window.lateness_by_seconds(total_seconds_late, score)
        self.log.info("清风计时考试 %s：考生 %s 迟交 %s 分钟（%s）", assignment, student_id, lateness.minutes_late, window.late)
        return penalty_for(lateness, score)


def prepare_nbgrader(project, exam_id: str) -> int:
    """Before a real ``nbgrader autograde``: each collected candidate's extension, from the submitted start record."""
    from ..ids import IdError, check_person_id
    from .course import open_gradebook
    from .sitting_record import started_at
    from .submission_folders import discover
    from .timed_sitting import load_window

    window = load_window(project, exam_id)
    if window is None:
        return 0
    n = 0
    with open_gradebook(project) as gb:
        for student, folder in discover(project, exam_id):
            try:
                check_person_id(student)
            except IdError:
                continue  # qingfeng mark reports such folders; nbgrader's extension is left alone
            gb.update_or_create_student(student)
            gb.update_or_create_submission(exam_id, student, extension=extension_for(window, started_at(Path(folder))))
            n += 1
    return n
