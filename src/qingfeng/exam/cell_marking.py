"""What an autograder test cell runs: score one item of the notebook on disk.

nbgrader executes the paper with the notebook's folder as the working
directory.  ``mark`` reads that notebook file (never the kernel's
variables), finds the item's answer cell by its nbgrader id, reads the
answer statically and scores it with :mod:`.scoring` against the key file.
The last expression of the test cell is the returned number, which
nbgrader takes as the cell's (partial) score.  Nothing is printed, because
nbgrader zeroes a test cell that writes to stderr.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ..project import find_project
from .answers import AnswerRead, read_answer
from .keys import read_key
from .scoring import ItemScore, score

__all__ = ["mark", "answer_sources", "score_notebook_item"]


@lru_cache(maxsize=8)
def _answers(path: str, mtime: float) -> dict[str, str]:
    return answer_sources(json.loads(Path(path).read_text(encoding="utf-8")))


def answer_sources(nb: dict) -> dict[str, str]:
    """item id -> answer cell source, for every answer cell of a notebook (as JSON)."""
    out: dict[str, str] = {}
    for cell in nb.get("cells", []):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        gid = meta.get("grade_id", "")
        if isinstance(gid, str) and gid.startswith("answer-"):
            src = cell.get("source", "")
            # a duplicated cell: nbgrader's DeduplicateIds keeps the last occurrence
            out[gid[len("answer-"):]] = "".join(src) if isinstance(src, list) else str(src)
    return out


def score_notebook_item(exams_dir: Path, exam_id: str, item_id: str, sources: dict[str, str]) -> ItemScore:
    keyed = read_key(exams_dir, exam_id).item(item_id)
    src = sources.get(item_id)
    answer = read_answer(src) if src is not None else AnswerRead("missing")
    return score(keyed.entry, answer)


def mark(exam_id: str, item_id: str, folder: str | None = None) -> float:
    here = Path(folder or ".").resolve()
    nb_path = here / f"{exam_id}.ipynb"
    project = find_project(start=here)
    try:
        sources = _answers(str(nb_path), nb_path.stat().st_mtime)
    except (OSError, ValueError):
        sources = {}
    return score_notebook_item(project.exams_dir, exam_id, item_id, sources).points
