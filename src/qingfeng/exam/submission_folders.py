"""Step 1 of marking: find the submissions on disk, checking every folder name as a candidate's 编号.

``exams/submitted/<编号>/<exam>/`` is written by ``nbgrader collect`` from
what candidates put in the exchange, so its folder names are untrusted:
each must pass :func:`qingfeng.ids.check_person_id`, must not be a link,
and two names that differ only in case (``R003``/``r003``) are one person.
"""
from __future__ import annotations

from pathlib import Path

from ..ids import IdError, check_person_id, child_path, id_key
from ..project import Project

__all__ = ["discover", "submission_jobs"]


def discover(project: Project, exam_id: str) -> list[tuple[str, Path]]:
    """(folder name, submission folder) for every candidate folder holding ``exam_id`` (names not yet checked)."""
    root = project.exams_dir / "submitted"
    if not root.is_dir():
        return []
    return sorted((d.name, d / exam_id) for d in root.iterdir() if (d / exam_id).is_dir())


def submission_jobs(project: Project, ctx, report, student: str | None) -> list:
    """(ctx, 编号, folder) per submission to mark; bad folders become problems in ``report``."""
    from .fast_marking import Problem

    if student is not None:
        student = check_person_id(student, "考生编号")
    seen: dict[str, str] = {}
    jobs = []
    root = project.exams_dir / "submitted"
    for name, _ in discover(project, ctx.exam_id):
        try:
            sid = check_person_id(name, "提交文件夹名（考生编号）")
            if sid != name:
                raise IdError(f"提交文件夹名“{name}”含全角字符，与考生编号 {sid} 不一致")
            folder = child_path(root, name, ctx.exam_id)
            if (root / name).is_symlink() or (root / name / ctx.exam_id).is_symlink():
                raise IdError(f"提交文件夹 {name}/{ctx.exam_id} 是一个链接，不是考生自己的文件夹")
        except IdError as e:
            report.problems.append(Problem(repr(name) if not name.isprintable() else name, f"{e}，未评分"))
            continue
        if student is not None and id_key(sid) != id_key(student):
            continue
        if id_key(sid) in seen:
            report.problems.append(Problem(sid, f"与考生 {seen[id_key(sid)]} 的编号只差大小写，疑似重复提交，未评分"))
            continue
        seen[id_key(sid)] = sid
        jobs.append((ctx, sid, str(folder)))
    if student is not None and not jobs and not report.problems:
        from .registry import UnknownExam

        raise UnknownExam(f"没有考生“{student}”交来的试卷 {ctx.exam_id}（exams/submitted/ 中没有）：请核对编号，或先运行 qingfeng exam collect")
    return jobs
