"""The candidate's 我的考试 list: nbgrader's own listing of released, fetched and submitted papers, in Chinese.

nbgrader's assignment-list server extension (the one its English Assignments
panel calls) does the exchange work; :func:`paper_rows` turns its listing into
one row per paper with the exam's Chinese title and deadline (read from the
paper's own notebook metadata, written by :func:`.notebook.render_notebook`),
a status in Chinese and the files to open.  :func:`explain` turns nbgrader's
English tracebacks into a Chinese sentence.  No exam id is ever the only name
a candidate sees, unless the paper carries no title at all.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["PaperRow", "paper_rows", "paper_info", "explain", "UNTITLED"]

UNTITLED = "未命名试卷"


@dataclass
class PaperRow:
    course_id: str
    exam_id: str
    title: str
    deadline: str            # 北京时间 text, or 未设定
    state: str               # released | fetched | submitted (submitted wins over fetched)
    status: str              # 可领取 / 已领取 / 已提交 n 次
    fetched: bool
    can_fetch: bool          # released and not in the candidate's folder (again, if they deleted it)
    notebook: str            # the fetched paper, relative to the server's root; '' if not fetched
    submissions: int
    last_submitted: str      # 北京时间 of the last submission, '' if none
    feedback: str            # none | ready (in the exchange, not fetched yet) | fetched
    feedback_file: str       # the fetched feedback HTML, relative to the root; '' if none

    def as_json(self) -> dict:
        return asdict(self)


def _header_title(nb: dict) -> str:
    for cell in nb.get("cells", [])[:3]:
        if cell.get("cell_type") == "markdown":
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            m = re.match(r"\s*#\s+(.+)", src)
            if m:
                return m.group(1).strip()
    return ""


def paper_info(notebook: Path) -> tuple[str, str]:
    """(Chinese title, deadline text) of a paper notebook; ('', '') when it cannot be read."""
    from .schedule import show

    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "", ""
    meta = (nb.get("metadata") or {}).get("qingfeng") or {}
    title = str(meta.get("title") or "") or _header_title(nb)
    deadline = "未设定"
    if meta.get("deadline"):
        try:
            deadline = show(dt.datetime.fromisoformat(str(meta["deadline"])))
        except ValueError:
            deadline = "未设定"
    return title, deadline


def _paper_notebook(notebooks: list[dict], exam_id: str) -> dict | None:
    """The paper among an assignment's notebooks: the one named after the exam, else the first."""
    for nb in notebooks:
        if nb.get("notebook_id") == exam_id:
            return nb
    return notebooks[0] if notebooks else None


def _abs(path: str, root: Path) -> Path:
    p = Path(path)
    return p if p.is_absolute() else root / p


def _rel(path: str | os.PathLike, root: Path) -> str:
    p = Path(path)
    return (os.path.relpath(p, root) if p.is_absolute() else str(p)).replace(os.sep, "/")


def paper_rows(listing: list[dict], root: Path) -> list[PaperRow]:
    """One row per (course, exam) from nbgrader's ``list_assignments`` value, in release order."""
    from .candidate_server import beijing_time

    root = Path(root)
    grouped: dict[tuple[str, str], dict] = {}
    for entry in listing:
        key = (entry.get("course_id", ""), entry.get("assignment_id", ""))
        grouped.setdefault(key, {})[entry.get("status")] = entry
    rows = []
    for (course_id, exam_id), by in grouped.items():
        here = by.get("fetched") or by.get("released")
        submitted = by.get("submitted")
        subs = sorted((submitted or {}).get("submissions", []), key=lambda s: s.get("timestamp", ""))
        title, deadline = "", "未设定"
        sources = [(here or {}).get("notebooks", []), *[s.get("notebooks", []) for s in reversed(subs)]]
        for notebooks in sources:
            nb = _paper_notebook(notebooks, exam_id)
            if nb and nb.get("path"):
                title, deadline = paper_info(_abs(nb["path"], root))
                if title:
                    break
        fetched = bool(here and here.get("status") == "fetched")
        opened = _paper_notebook(here.get("notebooks", []), exam_id) if fetched else None
        feedback, feedback_file = "none", ""
        for sub in reversed(subs):  # the latest submission that has feedback
            if sub.get("has_local_feedback") and not sub.get("feedback_updated") and sub.get("local_feedback_path"):
                nb = _paper_notebook(sub.get("notebooks", []), exam_id)
                name = f"{nb['notebook_id']}.html" if nb else f"{exam_id}.html"
                feedback, feedback_file = "fetched", _rel(_abs(sub["local_feedback_path"], root) / name, root)
                break
            if sub.get("has_exchange_feedback"):
                feedback = "ready"
                break
        last = beijing_time(subs[-1]["timestamp"]) if subs else ""
        if subs:
            status = f"已提交 {len(subs)} 次"
        elif fetched:
            status = "已领取，尚未提交"
        else:
            status = "可领取"
        rows.append(PaperRow(course_id, exam_id, title or exam_id, deadline,
                             "submitted" if subs else ("fetched" if fetched else "released"), status, fetched,
                             bool(here and here.get("status") == "released"),
                             _rel(opened["path"], root) if opened else "", len(subs), last, feedback, feedback_file))
    return rows


# nbgrader's messages (exchange/default/*.py), most specific first
_MESSAGES = (
    ("You do not have access to this course", "你的账号不在这门课程的考生名单中，请联系考官"),
    ("Assignment not found", "这份试卷已不在发布目录中（考官可能已撤回），请点“刷新”后再看"),
    ("You already have a copy", "你已经领取过这份试卷，请点“打开试卷”"),
    ("You don't have read permissions", "没有读取这份试卷的权限，请联系考官"),
    ("You don't have execute permissions", "没有读取反馈的权限，请联系考官"),
    ("You don't own the directory", "交换目录的权限不对，请联系管理员"),
    ("Unwritable directory", "考试交换目录无法写入，请联系管理员"),
    ("No course id specified", "服务器没有设定课程，请联系管理员"),
    ("exchange directory does not exist", "考试交换目录不存在或无法创建，请联系管理员"),
    ("Directory size is too big", "试卷文件夹太大，无法提交：请删去自己放进试卷文件夹的大文件"),
    ("Permission denied", "没有写入权限，请联系管理员"),
    ("No space left", "服务器磁盘已满，请联系管理员"),
)


def explain(value: object, doing: str) -> tuple[str, str]:
    """(Chinese message, nbgrader's own last line for the examiner) for a failed nbgrader call."""
    text = str(value or "")
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for english, chinese in _MESSAGES:
        if english in text:  # the line that says what went wrong, not the log's closing advice
            return f"{doing}没有成功：{chinese}。", next(line for line in reversed(lines) if english in line)
    errors = [line for line in lines if "ERROR" in line or "Error" in line]
    return f"{doing}没有成功，请稍后再试；仍不成功请联系考官。", (errors or lines or [""])[-1]
