"""An A/B sitting: one exam (``2026-q4``) sat as k variant papers.

Each variant is an ordinary nbgrader assignment with its own source
notebook and key (``2026-q4-a``, ``2026-q4-b`` …), so release, collect,
``qingfeng mark``, formgrader and feedback work on it unchanged.  The sitting
file ``exams/sittings/2026-q4.json`` ties them together: blueprint, seed,
variant ids, the overlap the bank forced, how difficulty was balanced, and
which candidate sits which variant (personal data: not committed).

Candidates are assigned from a roster column (试卷 / 变体 / 卷别 holding
A, B …) or by seat order (the roster's order: A, B, A, B …).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..ids import check_exam_id, check_person_id, child_path, id_key
from ..project import Project
from ..spreadsheet import RowError, SheetError, read_table

__all__ = ["Sitting", "sitting_path", "read_sitting", "build_sitting", "exam_variants", "assign_variants",
           "VARIANT_COLUMNS", "variant_id"]

VARIANT_COLUMNS = ("试卷", "变体", "卷别", "AB卷", "A/B卷")


@dataclass
class Sitting:
    exam_id: str
    blueprint: str
    seed: int
    variants: dict[str, str]  # label -> nbgrader assignment id
    overlap: dict[str, list[str]] = field(default_factory=dict)
    balance: str = ""
    assignment: dict[str, str] = field(default_factory=dict)  # 编号 -> label

    def label_of(self, exam_id: str) -> str:
        return next(label for label, vid in self.variants.items() if vid == exam_id)

    def candidates(self, label: str) -> list[str]:
        return sorted(s for s, v in self.assignment.items() if v == label)


def variant_id(exam_id: str, label: str) -> str:
    return check_exam_id(f"{exam_id}-{label.lower()}")


def sitting_path(project: Project, exam_id: str) -> Path:
    return child_path(project.exams_dir / "sittings", f"{check_exam_id(exam_id)}.json")


def read_sitting(project: Project, exam_id: str) -> Sitting | None:
    path = sitting_path(project, exam_id)
    if not path.is_file():
        return None
    d = json.loads(path.read_text(encoding="utf-8"))
    return Sitting(d["exam_id"], d["blueprint"], d["seed"], dict(d["variants"]), d.get("overlap", {}),
                   d.get("balance", ""), dict(d.get("assignment", {})))


def _write(project: Project, s: Sitting) -> Path:
    path = sitting_path(project, s.exam_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"schema_version": 1, **asdict(s)}, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)
    return path


def exam_variants(project: Project, exam_id: str) -> list[tuple[str, str]]:
    """[(label, nbgrader assignment id)]: the variants of a sitting, or [("", exam_id)] for a single paper."""
    s = read_sitting(project, exam_id)
    return list(s.variants.items()) if s else [("", exam_id)]


def build_sitting(project: Project, blueprint: str, exam_id: str, k: int, seed: int = 0,
                  deadline: dt.datetime | None = None, force: bool = False):
    """Draw k variants and build each as its own nbgrader assignment; returns (Sitting, [BuiltExam], VariantDraw).

    Every variant is checked (id, deadline, already released or marked) before any is written,
    so a refusal never leaves half a sitting; ``force`` is passed on to each build as for one paper.
    """
    from ..bank import load_bank
    from ..cases import load_library
    from . import course
    from .blueprint import load_blueprint
    from .registry import rebuild_blocker
    from .schedule import check_deadline
    from .variants import draw_variants, item_history, variant_labels

    check_exam_id(exam_id)
    labels = variant_labels(k)
    ids = {label: variant_id(exam_id, label) for label in labels}
    if deadline is not None:
        check_deadline(deadline, allow_past=force)
    blocked = [f"{vid} {why}" for vid in ids.values() if (why := rebuild_blocker(project, vid))]
    if blocked and not force:
        raise course.RebuildRefused(f"{'；'.join(blocked)}：重新组卷会替换答案文件，已交的答卷将按新答案评分。"
                                    "如确需重新组卷，请加 --force（旧答案文件和源试卷会先存档到 exams/keys/archive/）")
    bp = load_blueprint(course.blueprint_path(project, blueprint))
    bank = load_bank(project.bank_dir, {c.id for c in load_library(project.cases_dir).cases})
    history = item_history(project.exams_dir / "gradebook.db", exclude={exam_id, *ids.values()})
    draw = draw_variants(bp, bank, k, seed, history)
    built = [course.build_exam(project, bp.name, ids[label], seed, deadline, force=force, allow_past=force, paper=paper)
             for label, paper in zip(labels, draw.papers)]
    old = read_sitting(project, exam_id)
    sitting = Sitting(exam_id, bp.name, seed, ids, draw.overlap, draw.balance, old.assignment if old else {})
    _write(project, sitting)
    return sitting, built, draw


def assign_variants(project: Project, exam_id: str, table: Path | None = None) -> tuple[Sitting | None, list[RowError]]:
    """Who sits which variant: from ``table`` (编号 + 试卷/变体/卷别) or, without one, by seat order of the roster.

    All or nothing: any error leaves the sitting file as it was.
    """
    from .roster import load_roster

    sitting = read_sitting(project, exam_id)
    if sitting is None:
        return None, [RowError(None, "", f"试卷 {exam_id} 不是 A/B 卷考试：请先用 qingfeng exam build … --variants 2 生成")]
    labels = list(sitting.variants)
    roster = [c.id for c in load_roster(project)]
    if table is None:
        if not roster:
            return None, [RowError(None, "", "还没有导入考生名单（qingfeng exam roster 名单.xlsx），无法按座位顺序分配")]
        sitting.assignment = {sid: labels[n % len(labels)] for n, sid in enumerate(roster)}
        _write(project, sitting)
        return sitting, []
    try:
        t = read_table(table)
    except SheetError as e:
        return None, [RowError(None, "", str(e))]
    column = next((h for h in t.headers if h.replace(" ", "") in VARIANT_COLUMNS), None)
    errors = [] if "编号" in t.headers else [RowError(None, "编号", "缺少这一列")]
    if column is None:
        errors.append(RowError(None, "试卷", f"缺少变体列（表头写 {'、'.join(VARIANT_COLUMNS[:3])} 之一，内容为 {'、'.join(labels)}）"))
    if errors:
        return None, errors
    known = {id_key(s): s for s in roster}
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for row_no, cells in t.rows:
        try:
            sid = check_person_id(str(cells.get("编号") or "").strip())
        except ValueError as e:
            errors.append(RowError(row_no, "编号", str(e)))
            continue
        label = str(cells.get(column) or "").strip().upper().removesuffix("卷")
        if label not in labels:
            errors.append(RowError(row_no, column, f"“{cells.get(column) or ''}”不是本场考试的变体，应为 {'、'.join(labels)}"))
            continue
        if id_key(sid) in seen:
            errors.append(RowError(row_no, "编号", f"与第 {seen[id_key(sid)]} 行重复"))
            continue
        if roster and id_key(sid) not in known:
            errors.append(RowError(row_no, "编号", f"“{sid}”不在考生名单中"))
            continue
        seen[id_key(sid)] = row_no
        out[known.get(id_key(sid), sid)] = label
    if errors:
        return None, errors
    sitting.assignment = out
    _write(project, sitting)
    return sitting, []
