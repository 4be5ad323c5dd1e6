"""Which exams exist and what state they are in, checked before a command touches anything.

* :func:`require_exam`: an exam id that was never built gets a Chinese error
  (and a non-zero exit from the CLI), never a traceback or a silent success.
* :func:`rebuild_blocker`: an exam that was released, collected or marked may
  not be rebuilt silently; with ``--force`` the old key and source are first
  archived by :func:`archive_exam` into ``exams/keys/archive/``.
"""
from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from ..ids import check_exam_id, check_person_id, child_path
from ..project import Project
from .protected_files import protect

__all__ = ["UnknownExam", "require_exam", "require_candidate", "rebuild_blocker", "archive_exam", "archive_dir"]


class UnknownExam(LookupError):
    """No such exam or candidate (message in Chinese)."""


def _source(project: Project, exam_id: str) -> Path:
    return child_path(project.exams_dir / "source", exam_id, f"{exam_id}.ipynb")


def _key(project: Project, exam_id: str) -> Path:
    return child_path(project.exams_dir / "keys", f"{exam_id}.json")


def require_exam(project: Project, exam_id: str) -> str:
    """The checked id of a built exam, else :class:`UnknownExam` (or IdError for a malformed id)."""
    check_exam_id(exam_id)
    if not _source(project, exam_id).is_file() or not _key(project, exam_id).is_file():
        known = sorted(p.name for p in (project.exams_dir / "source").iterdir() if p.is_dir()) if (project.exams_dir / "source").is_dir() else []
        hint = f"已有的试卷：{'、'.join(known)}" if known else "还没有任何试卷"
        raise UnknownExam(f"没有试卷“{exam_id}”（找不到 exams/source/{exam_id}/ 或答案文件）：请先运行 qingfeng exam build。{hint}")
    return exam_id


def _db_rows(db: Path, sql: str, args: tuple) -> list:
    if not db.is_file():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    except sqlite3.DatabaseError:
        return []
    finally:
        con.close()


def require_candidate(project: Project, exam_id: str, student: str) -> str:
    """A candidate who has a marked submission of ``exam_id``, else :class:`UnknownExam`."""
    require_exam(project, exam_id)
    sid = check_person_id(student, "考生编号")
    rows = _db_rows(project.exams_dir / "gradebook.db",
                    "SELECT sa.student_id FROM submitted_assignment sa JOIN assignment a ON a.id = sa.assignment_id "
                    "WHERE a.name = ? AND sa.student_id = ?", (exam_id, sid))
    if not rows:
        raise UnknownExam(f"试卷 {exam_id} 没有考生“{sid}”的已评分答卷：请核对编号，或先收卷并运行 qingfeng exam autograde {exam_id}")
    return sid


def rebuild_blocker(project: Project, exam_id: str) -> str | None:
    """Why ``exam_id`` must not be rebuilt silently (released, collected, marked), or None."""
    ex = project.exams_dir
    if child_path(ex / "release", exam_id).is_dir():
        reasons = ["已发布（exams/release/ 中有考生版）"]
    else:
        reasons = []
    if any((d / exam_id).is_dir() for d in (ex / "submitted").iterdir()) if (ex / "submitted").is_dir() else False:
        reasons.append("已收卷")
    marked = _db_rows(ex / "gradebook.db", "SELECT COUNT(*) FROM submitted_assignment sa JOIN assignment a ON a.id = sa.assignment_id "
                                           "WHERE a.name = ?", (exam_id,))
    if marked and marked[0][0]:
        reasons.append(f"已有 {marked[0][0]} 份答卷记入成绩库")
    return "、".join(reasons) or None


def archive_dir(project: Project) -> Path:
    return project.exams_dir / "keys" / "archive"


def archive_exam(project: Project, exam_id: str, now: dt.datetime | None = None) -> list[Path]:
    """Copy the current key, its checksum and the source notebook to ``exams/keys/archive/<id>-<time>.*``."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = archive_dir(project)
    folder.mkdir(parents=True, exist_ok=True)
    protect(folder, project)
    out = []
    for src, suffix in ((_key(project, exam_id), ".json"), (project.exams_dir / "keys" / f"{exam_id}.sha256", ".sha256"),
                        (_source(project, exam_id), ".ipynb")):
        if src.is_file():
            dest = child_path(folder, f"{exam_id}-{stamp}{suffix}")
            n = 1
            while dest.exists():
                dest = child_path(folder, f"{exam_id}-{stamp}-{n}{suffix}")
                n += 1
            shutil.copy2(src, dest)
            out.append(protect(dest, project))
    return out
