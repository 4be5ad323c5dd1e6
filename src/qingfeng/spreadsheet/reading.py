"""Reading the tables people keep: .xlsx (openpyxl, streamed) and .csv (UTF-8 or GBK, streamed).

Rows come as Excel shows them (row numbers included) so every error message
can name the row; interpreting the cells is the caller's job.  Rows are a
one-pass iterator, so a 50,000-row sheet is never held in memory twice.

Cells that cannot be read as typed are listed in :attr:`SheetRows.problems`
before any row is read, for the caller to report: a merged range (all but its
first cell read as blank) and a formula (its value is whatever Excel last
computed, or nothing when a program wrote the file).  Text our exports
neutralised against formula injection is restored (:func:`.formulas.restore_cell`).
"""
from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from .formulas import restore_cell

__all__ = ["SheetError", "SheetRows", "RowError", "read_table", "score_cell"]


class SheetError(ValueError):
    """The file as a whole cannot be read (wrong type, broken, no header row)."""


@dataclass(frozen=True)
class RowError:
    """One problem in one cell of a table, worded for the person who typed it."""

    row: int | None  # the row number Excel shows; None for problems with the whole file
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行，" if self.row else ""
        col = f"“{self.column}”列：" if self.column else ""
        return f"{where}{col}{self.message}"


@dataclass
class SheetRows:
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, object]]]  # (row number as Excel shows it, header -> value), read once
    problems: list[RowError] = field(default_factory=list)  # merged and formula cells


def read_table(path: Path, sheet_name: str | None = None) -> SheetRows:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SheetError(f"{path}：文件不存在")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet_name)
    if suffix == ".csv":
        return _read_csv(path)
    raise SheetError(f"{path.name}：不支持的文件类型“{suffix}”，请用 .xlsx 或 .csv（旧版 .xls 请在 Excel 中另存为 .xlsx）")


def _cell_value(v: object) -> object:
    if isinstance(v, str):
        return restore_cell(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ", timespec="minutes")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _blank(values) -> bool:
    return values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _read_xlsx(path: Path, sheet_name: str | None) -> SheetRows:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for broken files
        raise SheetError(f"{path.name}：无法作为 Excel 文件打开（{type(e).__name__}）。文件可能已损坏，或并非 .xlsx 格式") from None
    ws = wb[sheet_name] if sheet_name and sheet_name in wb.sheetnames else wb.worksheets[0]
    rows_iter = ws.iter_rows(values_only=True)
    header_row = next(rows_iter, None)
    if not header_row or not any(header_row):
        wb.close()
        raise SheetError(f"{path.name}：工作表“{ws.title}”第 1 行没有表头")
    headers = [str(h).strip() if h is not None else "" for h in header_row]
    merged, has_formula = _scan_structure(ws)
    problems = [_merged_error(ref, headers) for ref in merged]
    if has_formula:
        problems += _formula_cells(path, ws.title, headers)

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        try:
            named = [(i, h) for i, h in enumerate(headers) if h]
            for n, values in enumerate(rows_iter, start=2):
                if _blank(values):
                    continue
                yield n, {h: _cell_value(values[i]) for i, h in named if i < len(values)}
        finally:
            wb.close()

    return SheetRows(headers, rows(), problems)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+:[A-Z]+\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _scan_structure(ws) -> tuple[list[str], bool]:
    """Merged ranges and whether any formula exists, from the sheet's XML in one streamed pass."""
    merged: list[str] = []
    formula = False
    tail = b""
    with ws._get_source() as src:  # openpyxl's read-only sheet stream
        while chunk := src.read(1 << 20):
            buf = tail + chunk
            formula = formula or bool(_FORMULA.search(buf))
            cut = buf.rfind(b">") + 1
            merged += [m.decode() for m in _MERGE.findall(buf[:cut])]
            tail = buf[cut:][-4096:]
    return merged, formula


def _column_name(headers: list[str], col: int) -> str:
    letter = get_column_letter(col)
    return headers[col - 1] if col - 1 < len(headers) and headers[col - 1] else f"{letter} 列"


def _merged_error(ref: str, headers: list[str]) -> RowError:
    c1, r1, c2, r2 = range_boundaries(ref)
    rows = f"第 {r1} 行" if r1 == r2 else f"第 {r1}～{r2} 行"
    cols = "、".join(f"“{_column_name(headers, c)}”" for c in range(c1, c2 + 1))
    return RowError(r1, _column_name(headers, c1),
                    f"合并单元格 {ref}（{rows}，{cols}列）：合并后只有第一格有内容，其余格会被读成空白。请取消合并并在每一格填写")


def _formula_cells(path: Path, title: str, headers: list[str]) -> list[RowError]:
    """Where the formulas are (only called when the sheet has some: this pass reads every cell)."""
    wb = load_workbook(path, read_only=True, data_only=False)
    out = []
    try:
        for row in wb[title].iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    out.append(RowError(cell.row, _column_name(headers, cell.column),
                                        f"单元格 {cell.coordinate} 是公式（{str(cell.value)[:40]}），不是录入的内容。"
                                        "请复制后用“选择性粘贴→数值”换成实际内容再导入"))
    finally:
        wb.close()
    return out


def _open_csv(path: Path):
    for encoding in ("utf-8-sig", "gb18030"):
        fh = path.open(encoding=encoding, newline="")
        try:
            for _ in fh:  # validate the whole file's encoding in one streamed pass
                pass
        except UnicodeDecodeError:
            fh.close()
            continue
        fh.seek(0)
        return fh
    raise SheetError(f"{path.name}：无法识别文件编码，请另存为“CSV UTF-8”")


def _read_csv(path: Path) -> SheetRows:
    fh = _open_csv(path)
    reader = csv.reader(fh)  # newline="" keeps line breaks inside quoted cells
    header_row = next(reader, None)
    if not header_row or not any(h.strip() for h in header_row):
        fh.close()
        raise SheetError(f"{path.name}：第 1 行没有表头")
    headers = [h.strip() for h in header_row]

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        try:
            named = [(i, h) for i, h in enumerate(headers) if h]
            # numbered by record, as Excel shows them: a quoted multi-line cell is still one row
            for n, values in enumerate(reader, start=2):
                if _blank(values):
                    continue
                yield n, {h: restore_cell(values[i]) for i, h in named if i < len(values)}
        finally:
            fh.close()

    return SheetRows(headers, rows(), [])


def score_cell(raw: object, max_points: float) -> tuple[float | None, str | None]:
    """A points cell: (value, None), (None, None) when empty, or (None, Chinese problem)."""
    if raw is None or str(raw).strip() == "":
        return None, None
    try:
        value = float(str(raw).strip())
    except ValueError:
        return None, f"“{raw}”不是数字得分"
    if not 0 <= value <= max_points:
        return None, f"得分 {value:g} 超出范围（0～{max_points:g}）"
    return value, None
