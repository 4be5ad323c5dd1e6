"""Reading and writing the trainers' case sheets (xlsx via openpyxl, csv).

Only I/O lives here: cells in, cells out.  What the cells mean is the
importer's business (:mod:`qingfeng.cases.importer`).
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..spreadsheet import SheetError, SheetRows, atomic_path, read_table, safe_cell
from .columns import COLUMNS

__all__ = ["SheetError", "SheetRows", "read_sheet", "write_sheet", "SHEET_NAME", "HELP_SHEET_NAME"]

SHEET_NAME = "案例"
HELP_SHEET_NAME = "填写说明"


def read_sheet(path: Path, positional: bool = False) -> SheetRows:
    """The case sheet of a workbook (or the first sheet, or a CSV); ``positional``: see :class:`SheetRows`."""
    return read_table(path, SHEET_NAME, positional)


def write_sheet(path: Path, rows: list[dict[str, object]]) -> None:
    """Write the case sheet (headers, guidance, dropdowns) and a help sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    header_font = Font(bold=True, color="FFFFFF")
    required_fill = PatternFill("solid", fgColor="B22222")
    optional_fill = PatternFill("solid", fgColor="4F6D7A")
    for i, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = header_font
        cell.fill = required_fill if col.required else optional_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.comment = Comment(("【必填】" if col.required else "【选填】") + col.help, "清风")
        ws.column_dimensions[get_column_letter(i)].width = col.width
        if col.choices and col.field != "annotation.categories":
            dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True,
                                showErrorMessage=False, promptTitle=col.header, prompt=col.help[:250])
            dv.add(f"{get_column_letter(i)}2:{get_column_letter(i)}2000")
            ws.add_data_validation(dv)
    ws.freeze_panes = "C2"
    for r, row in enumerate(rows, start=2):
        for i, col in enumerate(COLUMNS, start=1):
            value = row.get(col.header)
            ws.cell(row=r, column=i, value=safe_cell(value)).alignment = Alignment(wrap_text=True, vertical="top")
    help_ws = wb.create_sheet(HELP_SHEET_NAME)
    help_ws.append(["列名", "必填", "说明", "可选值"])
    for col in COLUMNS:
        help_ws.append([col.header, "是" if col.required else "否", col.help, "、".join(col.choices)])
    help_ws.append([])
    help_ws.append(["提示", "", "红色表头为必填列。一行一个案例；每个案例都要写明公开来源，不得编造。导入时整表通过校验才会写入，出错不会改动已有案例。", ""])
    for letter, width in zip("ABCD", (16, 6, 70, 40)):
        help_ws.column_dimensions[letter].width = width
    with atomic_path(path) as tmp:
        wb.save(tmp)
