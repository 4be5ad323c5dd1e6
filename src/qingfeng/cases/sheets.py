"""Reading and writing the trainers' sheets (xlsx via openpyxl, csv).

Only I/O lives here: cells in, cells out.  What the cells mean is the
importer's business (:mod:`qingfeng.cases.importer`).
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .columns import COLUMNS

__all__ = ["SheetError", "SheetRows", "read_sheet", "write_sheet", "SHEET_NAME", "HELP_SHEET_NAME"]

SHEET_NAME = "案例"
HELP_SHEET_NAME = "填写说明"


class SheetError(ValueError):
    """The file as a whole cannot be read (wrong type, broken, no header row)."""


@dataclass
class SheetRows:
    headers: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (row number as Excel shows it, header -> value)


def read_sheet(path: Path) -> SheetRows:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SheetError(f"{path}：文件不存在")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".csv":
        return _read_csv(path)
    raise SheetError(f"{path.name}：不支持的文件类型“{suffix}”，请用 .xlsx 或 .csv（旧版 .xls 请在 Excel 中另存为 .xlsx）")


def _cell_value(v: object) -> object:
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _read_xlsx(path: Path) -> SheetRows:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for broken files
        raise SheetError(f"{path.name}：无法作为 Excel 文件打开（{type(e).__name__}）。文件可能已损坏，或并非 .xlsx 格式") from None
    ws = wb[SHEET_NAME] if SHEET_NAME in wb.sheetnames else wb.worksheets[0]
    rows_iter = ws.iter_rows(values_only=True)
    header_row = next(rows_iter, None)
    if not header_row or not any(header_row):
        raise SheetError(f"{path.name}：工作表“{ws.title}”第 1 行没有表头")
    headers = [str(h).strip() if h is not None else "" for h in header_row]
    rows = []
    for n, values in enumerate(rows_iter, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((n, {h: _cell_value(v) for h, v in zip(headers, values) if h}))
    wb.close()
    return SheetRows(headers, rows)


def _read_csv(path: Path) -> SheetRows:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(f"{path.name}：无法识别文件编码，请另存为“CSV UTF-8”")
    reader = csv.reader(text.splitlines())
    header_row = next(reader, None)
    if not header_row or not any(h.strip() for h in header_row):
        raise SheetError(f"{path.name}：第 1 行没有表头")
    headers = [h.strip() for h in header_row]
    rows = []
    for n, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        rows.append((n, {h: v for h, v in zip(headers, values) if h}))
    return SheetRows(headers, rows)


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
            ws.cell(row=r, column=i, value=value).alignment = Alignment(wrap_text=True, vertical="top")
    help_ws = wb.create_sheet(HELP_SHEET_NAME)
    help_ws.append(["列名", "必填", "说明", "可选值"])
    for col in COLUMNS:
        help_ws.append([col.header, "是" if col.required else "否", col.help, "、".join(col.choices)])
    help_ws.append([])
    help_ws.append(["提示", "", "红色表头为必填列。一行一个案例；每个案例都要写明公开来源，不得编造。导入时整表通过校验才会写入，出错不会改动已有案例。", ""])
    for letter, width in zip("ABCD", (16, 6, 70, 40)):
        help_ws.column_dimensions[letter].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
