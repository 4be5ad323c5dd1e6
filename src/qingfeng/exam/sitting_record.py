"""When a candidate started and submitted a paper: ``.qingfeng-sitting`` next to the fetched paper.

Written only by the candidate's Jupyter server (:mod:`.candidate_server`),
with the server's clock, never the browser's:

* ``started`` — the first time the paper was opened after the sitting
  opened; first write wins, a later open never moves it;
* ``submitted`` — each time the paper was handed in (提交试卷 or the
  countdown reaching zero); once there is one, the candidate's JupyterLab
  shows the paper read-only.

``nbgrader submit`` copies the folder, so the record reaches the examiner
with the paper and :mod:`.late_marks` reads it from ``exams/submitted/``.

Trust: in a single-user installation the candidate's server is the
examiner's machine.  On a JupyterHub the candidate's server runs as the
candidate, who could edit this file (and nbgrader's ``timestamp.txt``); the
record there is only as good as the candidate's honesty unless a Hub-side
clock keeps it — see the README (考试计时的可信度).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from .schedule import SHANGHAI

__all__ = ["RECORD_FILE", "read_record", "started_at", "submitted_times", "record_start", "record_submitted"]

RECORD_FILE = ".qingfeng-sitting"  # no .json: the course ignores *.json when copying


def read_record(folder: Path) -> dict:
    path = Path(folder) / RECORD_FILE
    try:
        if path.is_symlink() or path.stat().st_size > 100_000:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _when(value) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=SHANGHAI)


def started_at(folder: Path) -> dt.datetime | None:
    value = read_record(folder).get("started")
    return _when(value) if value else None


def submitted_times(folder: Path) -> list[dt.datetime]:
    raw = read_record(folder).get("submitted")
    return [w for w in (_when(v) for v in (raw if isinstance(raw, list) else [])) if w is not None]


def _write(folder: Path, data: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".qingfeng-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, Path(folder) / RECORD_FILE)


def record_start(folder: Path, exam_id: str, now: dt.datetime) -> dt.datetime:
    """The candidate's start: the recorded one if any (first write wins), else ``now``, recorded."""
    data = read_record(folder)
    if data.get("started") and (when := _when(data["started"])) is not None:
        return when
    data.update({"exam_id": exam_id, "started": now.astimezone(SHANGHAI).isoformat(timespec="seconds")})
    _write(folder, data)
    return now


def record_submitted(folder: Path, exam_id: str, now: dt.datetime, automatic: bool = False) -> list[dt.datetime]:
    data = read_record(folder)
    data["exam_id"] = exam_id
    times = data.get("submitted") if isinstance(data.get("submitted"), list) else []
    times.append(now.astimezone(SHANGHAI).isoformat(timespec="seconds"))
    data["submitted"] = times
    if automatic:
        data["automatic"] = True
    _write(folder, data)
    return submitted_times(folder)
