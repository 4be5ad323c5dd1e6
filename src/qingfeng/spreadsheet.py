"""Reading the tables people keep: .xlsx (openpyxl) and .csv (UTF-8 or GBK).

Returns rows as they appear in Excel (row numbers included) so every error
message can name the row.  Interpreting the cells is the caller's job.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

__all__ = ["SheetError", "SheetRows", "RowError", "read_table", "score_cell", "write_csv", "write_xlsx"]


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
    rows: list[tuple[int, dict[str, object]]]  # (row number as Excel shows it, header -> value)


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
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ", timespec="minutes")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


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


# --- writing -----------------------------------------------------------------------------------------
# Interim writer with the same names and signatures as the spreadsheet layer's writer that helper
# sec-input is adding (write_xlsx / write_csv); when that lands, these two functions are replaced by it.

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _atomic(path: Path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.stem}.tmp{path.suffix}")


def write_csv(path: Path, headers, rows) -> None:
    """One table as CSV in UTF-8 with BOM (Excel on Chinese Windows reads it), written atomically."""
    tmp = _atomic(path)
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([_safe(h) for h in headers])
            for row in rows:
                w.writerow([_safe(v) for v in row])
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_xlsx(path: Path, sheets) -> None:
    """A workbook with one sheet per entry ``{sheet name: (headers, rows)}``, written atomically."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, (headers, rows) in sheets.items():
        ws = wb.create_sheet(title=name)
        ws.append([_safe(h) for h in headers])
        for row in rows:
            ws.append([_safe(v) for v in row])
    tmp = _atomic(path)
    try:
        wb.save(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
