"""Reading the tables people keep: .xlsx (openpyxl, streamed) and .csv (UTF-8 or GBK, streamed).

Rows come as Excel shows them (row numbers included) so every error message
can name the row; interpreting the cells is the caller's job.  Rows are a
one-pass iterator, so a 50,000-row sheet is never held in memory twice.

Cells that cannot be read as typed are listed in :attr:`SheetRows.problems`
once the rows have been read, for the caller to report: a merged range (all
but its first cell read as blank) and a formula (its value is whatever Excel
last computed, or nothing when a program wrote the file).  .xlsx files are
parsed by :mod:`.xlsx_stream` (one row at a time: a regular-expression scanner,
:mod:`.xlsx_scan`, with lxml for whatever it does not handle).  Text our exports
neutralised against formula injection is restored (:func:`.formulas.restore_cell`).
"""
from __future__ import annotations

import csv
import datetime as dt
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from openpyxl.utils import get_column_letter, range_boundaries

from .formulas import restore_cell
from .xlsx_stream import open_sheet

__all__ = ["SheetError", "SheetRows", "RowError", "read_table", "cell_value", "named_cells", "header_positions", "score_cell"]


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
    # (row number as Excel shows it, header -> value), read once; with ``positional=True``: the row's
    # values by column as stored (pass each through :func:`cell_value`: a caller that sees the same
    # cell text thousands of times converts it once)
    rows: Iterator[tuple[int, dict[str, object]]] | Iterator[tuple[int, list[object]]]
    problems: list[RowError] = field(default_factory=list)  # merged and formula cells: complete once rows are read
    closer: Callable[[], None] | None = None  # closes the file under ``rows`` (rows not yet started hold it open)

    def close(self) -> None:
        """Stop reading (the file is closed at once, even if no row was read)."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()
        if self.closer is not None:
            self.closer()


def read_table(path: Path, sheet_name: str | None = None, positional: bool = False) -> SheetRows:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SheetError(f"{path}：文件不存在")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet_name, positional)
    if suffix == ".csv":
        return _read_csv(path, positional)
    raise SheetError(f"{path.name}：不支持的文件类型“{suffix}”，请用 .xlsx 或 .csv（旧版 .xls 请在 Excel 中另存为 .xlsx）")


def cell_value(v: object) -> object:
    """A stored cell as the project reads it: our formula guard undone, dates as text, 3.0 as 3."""
    if v is None or v.__class__ is int:
        return v
    if isinstance(v, str):
        return restore_cell(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ", timespec="minutes")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def header_positions(headers: list[str]) -> list[tuple[int, str]]:
    """(index, header) of the columns that have a header."""
    return [(i, h) for i, h in enumerate(headers) if h]


def named_cells(named: list[tuple[int, str]], values: list) -> dict[str, object]:
    """A positional row (``read_table(..., positional=True)``) as header -> :func:`cell_value`."""
    width = len(values)
    return {h: cell_value(values[i]) for i, h in named if i < width}


def _blank(values) -> bool:
    return values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, etree.XMLSyntaxError)


def _read_xlsx(path: Path, sheet_name: str | None, positional: bool) -> SheetRows:
    try:
        sheet = open_sheet(path, sheet_name)
        first = next(sheet.rows, None)
    except (zipfile.BadZipFile, KeyError, ValueError, StopIteration, etree.XMLSyntaxError, OSError) as e:
        raise SheetError(f"{path.name}：无法作为 Excel 文件打开（{type(e).__name__}）。文件可能已损坏，或并非 .xlsx 格式") from None
    if first is None or first[0] != 1 or not any(v is not None and str(v).strip() for v in first[1]):
        sheet.rows.close()
        raise SheetError(f"{path.name}：工作表“{sheet.title}”第 1 行没有表头")
    headers = [str(h).strip() if h is not None else "" for h in first[1]]
    problems: list[RowError] = []

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        named, last = header_positions(headers), 1
        try:
            for last, values in sheet.rows:
                if not _blank(values):
                    yield last, values if positional else named_cells(named, values)
        except _DAMAGED as e:  # a sheet damaged after its first rows: none of it is taken as read
            raise SheetError(f"{path.name}：文件已损坏，读到第 {last} 行之后无法继续（{type(e).__name__}）。"
                             "请在 Excel 或 WPS 中打开、另存为 .xlsx 后再试") from None
        # known once the whole sheet is read: formulas as they were met, merged ranges at the end of the XML
        problems.extend(_formula_error(r, c, f, headers) for r, c, f in sheet.formulas)
        problems.extend(_merged_error(ref, headers) for ref in sheet.merged)

    return SheetRows(headers, rows(), problems, sheet.rows.close)


def _column_name(headers: list[str], col: int) -> str:
    letter = get_column_letter(col)
    return headers[col - 1] if col - 1 < len(headers) and headers[col - 1] else f"{letter} 列"


def _merged_error(ref: str, headers: list[str]) -> RowError:
    c1, r1, c2, r2 = range_boundaries(ref)
    rows = f"第 {r1} 行" if r1 == r2 else f"第 {r1}～{r2} 行"
    cols = "、".join(f"“{_column_name(headers, c)}”" for c in range(c1, c2 + 1))
    return RowError(r1, _column_name(headers, c1),
                    f"合并单元格 {ref}（{rows}，{cols}列）：合并后只有第一格有内容，其余格会被读成空白。请取消合并并在每一格填写")


def _formula_error(row: int, col: int, formula: str, headers: list[str]) -> RowError:
    return RowError(row, _column_name(headers, col),
                    f"单元格 {get_column_letter(col)}{row} 是公式（{formula[:40]}），不是录入的内容。"
                    "请复制后用“选择性粘贴→数值”换成实际内容再导入")


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


def _read_csv(path: Path, positional: bool) -> SheetRows:
    fh = _open_csv(path)
    reader = csv.reader(fh)  # newline="" keeps line breaks inside quoted cells
    header_row = next(reader, None)
    if not header_row or not any(h.strip() for h in header_row):
        fh.close()
        raise SheetError(f"{path.name}：第 1 行没有表头")
    headers = [h.strip() for h in header_row]

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        try:
            named = header_positions(headers)
            # numbered by record, as Excel shows them: a quoted multi-line cell is still one row
            for n, values in enumerate(reader, start=2):
                if not _blank(values):
                    yield n, values if positional else named_cells(named, values)  # text: restore_cell
        finally:
            fh.close()

    return SheetRows(headers, rows(), [], fh.close)


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
