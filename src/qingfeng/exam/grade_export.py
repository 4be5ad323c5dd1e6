"""``qingfeng exam export EXAM 成绩.xlsx``: the grade sheet a unit files.

One row per candidate (编号、姓名、单位、部门、岗位、变体、总分、各部分小计、每题得分、
待评题数、是否迟交、缺考), read from the gradebook (manual score over auto
score, as formgrader shows it); for an A/B sitting every variant in one
sheet.  A workbook also gets 题目对照 (each variant's bank item per column)
and one sheet per unit; a .csv path gets the main table in UTF-8 with BOM.
"""
from __future__ import annotations

from pathlib import Path

from ..project import Project
from ..spreadsheet import write_csv, write_xlsx
from .sitting import exam_variants

__all__ = ["load_variant_tables", "export_grades"]


def load_variant_tables(project: Project, exam_id: str, with_responses: bool = False):
    """[(variant label, ScoreTable)] of an exam ([("", table)] for a single paper)."""
    from ..stats.data import load_gradebook

    return [(label, load_gradebook(project, vid, with_responses=with_responses)) for label, vid in exam_variants(project, exam_id)]


def _rows(df):
    return list(df.columns), [list(r) for r in df.itertuples(index=False, name=None)]


def export_grades(project: Project, exam_id: str, path: Path) -> int:
    """Write the grade sheet; returns the number of candidate rows."""
    from ..stats.candidates import candidate_frame, item_map_frame, unit_sheets

    tables = load_variant_tables(project, exam_id)
    df = candidate_frame(tables)
    if path.suffix.lower() == ".csv":
        write_csv(path, *_rows(df))
    elif path.suffix.lower() == ".xlsx":
        sheets = {"成绩": _rows(df), "题目对照": _rows(item_map_frame(tables))}
        sheets.update({name: _rows(part) for name, part in unit_sheets(df).items()})
        write_xlsx(path, sheets)
    else:
        raise ValueError(f"{path.name}：成绩表请用 .xlsx 或 .csv")
    return len(df)
