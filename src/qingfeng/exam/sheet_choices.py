"""Paper sheet or online submission: which one a candidate's marks come from, recorded once.

A candidate who submitted a notebook online and also has a row in an answer
sheet is refused by ``qingfeng mark --sheets`` until the examiner says which
wins (``--prefer sheet|online``).  The choice is kept in
``exams/answer_sheets/<exam>.json`` (next to the submissions; personal data,
not committed) and honoured by every later run: a plain ``qingfeng mark`` does
not re-mark from the notebook a candidate whose marks come from paper, and a
later ``--sheets`` run keeps the recorded choice unless told otherwise.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..ids import id_key
from ..project import Project
from ..spreadsheet import atomic_path

__all__ = ["SHEET", "ONLINE", "choices_path", "load_choices", "save_choices", "paper_students", "online_students"]

SHEET, ONLINE = "sheet", "online"
SOURCE_NAMES = {SHEET: "纸质答卷", ONLINE: "在线提交"}


def choices_path(project: Project, exam_id: str) -> Path:
    return project.exams_dir / "answer_sheets" / f"{exam_id}.json"


def load_choices(project: Project, exam_id: str) -> dict[str, dict]:
    """id_key(student) -> {"student", "source", "sheet", "at"}; empty when nothing was recorded."""
    path = choices_path(project, exam_id)
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {id_key(s): {"student": s, **v} for s, v in data.get("students", {}).items()}


def save_choices(project: Project, exam_id: str, choices: dict[str, dict]) -> None:
    """One line per candidate (readable; the candidates of one sheet share their choice's text, encoded once)."""
    encoded: dict[tuple, str] = {}

    def choice(v: dict) -> str:
        rest = tuple((k, x) for k, x in v.items() if k != "student")
        text = encoded.get(rest)
        if text is None:
            text = encoded[rest] = json.dumps(dict(rest), ensure_ascii=False)
        return text

    lines = [f"{json.dumps(v['student'], ensure_ascii=False)}: {choice(v)}" for _, v in sorted(choices.items())]
    body = ",\n ".join(lines)
    with atomic_path(choices_path(project, exam_id)) as tmp:
        tmp.write_text(f'{{"exam_id": {json.dumps(exam_id, ensure_ascii=False)}, "students": {{\n {body}\n}}}}\n', encoding="utf-8")


def record(choices: dict[str, dict], student: str, source: str, sheet: str, at: str | None = None) -> None:
    """``at``: when (ISO, to the second; default now): one sheet's candidates are recorded at its import's time."""
    choices[id_key(student)] = {"student": student, "source": source, "sheet": sheet,
                                "at": at or dt.datetime.now().isoformat(timespec="seconds")}


def paper_students(project: Project, exam_id: str) -> set[str]:
    """id_key of every candidate whose marks come from a paper sheet (plain ``mark`` leaves them alone)."""
    return {k for k, v in load_choices(project, exam_id).items() if v.get("source") == SHEET}


def online_students(project: Project, exam_id: str) -> dict[str, str]:
    """id_key -> folder name of every candidate with a collected online submission of this exam."""
    root = project.exams_dir / "submitted"
    if not root.is_dir():
        return {}
    return {id_key(d.name): d.name for d in root.iterdir() if (d / exam_id).is_dir()}
