"""Write the library (or an empty template) as the trainers' sheet.

Every column of :data:`.columns.COLUMNS` is filled from the case, so an
exported sheet imports back unchanged.
"""
from __future__ import annotations

from pathlib import Path

from .columns import COLUMNS
from .library import load_library
from .model import Case
from .sheets import write_sheet

__all__ = ["case_to_row", "export_library", "write_template"]


def _get(case_dict: dict, dotted: str) -> object:
    value: object = case_dict
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def case_to_row(case: Case) -> dict[str, object]:
    d = case.to_dict()
    row: dict[str, object] = {}
    for col in COLUMNS:
        value = _get(d, col.field)
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "是" if value else "否"
        elif value == "":
            value = None
        row[col.header] = value
    return row


def export_library(cases_dir: Path, out: Path) -> int:
    """Export every case; refuses when the library itself does not validate."""
    lib = load_library(cases_dir)
    if lib.problems:
        raise ValueError(f"案例库有 {len(lib.problems)} 处错误，请先运行 qingfeng cases validate 修正后再导出")
    write_sheet(out, [case_to_row(c) for c in lib.cases])
    return len(lib.cases)


def write_template(out: Path) -> None:
    write_sheet(out, [])
