"""A submission's structure comes from the examiner's source, never from the candidate's file.

As nbgrader's OverwriteCells preprocessor does, every cell the candidate's
notebook claims to be a graded cell is compared with the source notebook
and the gradebook: cell type, the nbgrader flags (grade, solution, locked,
task) and points; the checksum recorded at release is always the gradebook's.  Marking uses the
source's values; every difference is reported as a :class:`Tampering`
(candidate, cell, what changed), and only the candidate's *answer text* is
ever taken from their file.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

__all__ = ["Tampering", "Reference", "reference_cells", "grade_id", "find_tampering", "as_source_says"]

_FLAGS = ("grade", "solution", "locked", "task")
_SHOWN = {"grade": "评分格(grade)", "solution": "作答格(solution)", "locked": "锁定(locked)", "task": "人工任务(task)",
          "points": "分值(points)", "cell_type": "格类型", "grade_id": "题号(grade_id)"}


@dataclass(frozen=True)
class Tampering:
    student: str
    cell: str  # nbgrader grade_id, e.g. answer-YM-XZ-01
    change: str  # Chinese, e.g. "评分格(grade)：应为 False，提交中为 True"


@dataclass(frozen=True)
class Reference:
    """One graded cell as the examiner's source and the gradebook define it."""

    grade_id: str
    cell_type: str
    nbgrader: dict  # the source cell's nbgrader metadata (without checksum)
    checksum: str | None  # recorded by generate_assignment, for the 'answered or not' test
    cell_id: str = ""  # the source cell's nbformat id


def reference_cells(source_cells: tuple[dict, ...], checksums: dict[str, str]) -> dict[str, Reference]:
    out = {}
    for cell in source_cells:
        meta = dict((cell.get("metadata") or {}).get("nbgrader") or {})
        gid = meta.get("grade_id")
        if isinstance(gid, str) and gid:
            meta.pop("checksum", None)
            out[gid] = Reference(gid, cell.get("cell_type", "code"), meta, checksums.get(gid), str(cell.get("id") or ""))
    return out


def _nb(cell: dict) -> dict:
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    nb = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nb if isinstance(nb, dict) else {}


def grade_id(cell: dict) -> str:
    """The cell's nbgrader grade_id ("" when it has none, or a candidate's file holds something else there)."""
    gid = _nb(cell).get("grade_id", "")
    return gid if isinstance(gid, str) else ""


def _points(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def find_tampering(student: str, cells: list, refs: dict[str, Reference]) -> list[Tampering]:
    """Every structural difference between a submission's graded cells and the source."""
    out: list[Tampering] = []
    copies = Counter(grade_id(cell) for cell in cells)
    reported: set[str] = set()
    for cell in cells:
        nb = _nb(cell)
        if not nb:
            continue
        gid = nb.get("grade_id")
        if isinstance(gid, str) and gid in refs and copies[gid] > 1 and gid not in reported:
            reported.add(gid)  # a copied cell: the last one is marked, as nbgrader's DeduplicateIds keeps it
            out.append(Tampering(student, gid, f"{_SHOWN['grade_id']}：源试卷中只有 1 个，提交中有 {copies[gid]} 个（复制出的格），按最后一个评分"))
        if not isinstance(gid, str) or gid not in refs:
            if any(nb.get(f) for f in ("grade", "solution", "task")):
                out.append(Tampering(student, str(gid), "源试卷中没有这个评分格（提交中多出的格），已忽略"))
            continue
        ref = refs[gid]
        if cell.get("cell_type") != ref.cell_type:
            out.append(Tampering(student, gid, f"{_SHOWN['cell_type']}：应为 {ref.cell_type}，提交中为 {cell.get('cell_type')}"))
        for flag in _FLAGS:
            want, got = bool(ref.nbgrader.get(flag, False)), nb.get(flag, False)
            if bool(got) != want or not isinstance(got, bool):
                out.append(Tampering(student, gid, f"{_SHOWN[flag]}：应为 {want}，提交中为 {got!r}"))
        if ref.nbgrader.get("grade") or "points" in nb:
            want, got = _points(ref.nbgrader.get("points", 0)), _points(nb.get("points", 0))
            if want != got:
                out.append(Tampering(student, gid, f"{_SHOWN['points']}：应为 {want:g}，提交中为 {nb.get('points')!r}"))
        # a differing checksum is not reported: nbgrader itself always replaces it silently, and so does marking
    return out


def as_source_says(cell: dict | None, ref: Reference) -> dict:
    """The answer cell for the autograded notebook: type and metadata from the source, text from the candidate."""
    text = "" if cell is None else cell.get("source", "")
    meta = {"nbgrader": {**ref.nbgrader, **({"checksum": ref.checksum} if ref.checksum else {})}}
    out = {"cell_type": ref.cell_type, "metadata": meta, "source": text, **({"id": ref.cell_id} if ref.cell_id else {})}
    if ref.cell_type == "code":
        out.update(execution_count=None, outputs=[])
    return out
