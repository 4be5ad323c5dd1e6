"""Writing tables for people: .xlsx and .csv (UTF-8 with BOM, so Excel on Chinese Windows reads it).

Every cell goes through :func:`.formulas.safe_cell`; files are written to a
temporary name beside the target and renamed, so a failure never leaves half
a file.  Other modules with styled workbooks (templates with dropdowns) call
:func:`safe_cell` on each value instead.
"""
from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .formulas import safe_cell, safe_frame

if TYPE_CHECKING:  # pandas is imported by write_frames when used: reading a sheet should not cost its 0.4 s
    import pandas as pd

__all__ = ["write_xlsx", "write_csv", "write_frames", "atomic_path"]

Rows = Iterable[Sequence[object]]


@contextmanager
def atomic_path(path: Path):
    """A temporary path next to ``path`` that replaces it only if the block finishes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_csv(path: Path, headers: Sequence[str], rows: Rows) -> None:
    """One CSV table, every cell neutralised against formula injection."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([safe_cell(h) for h in headers])
        for row in rows:
            w.writerow([safe_cell(v) for v in row])


def write_xlsx(path: Path, sheets: Mapping[str, tuple[Sequence[str], Rows]]) -> None:
    """A workbook with one sheet per entry ``{sheet name: (headers, rows)}``, every cell neutralised."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, (headers, rows) in sheets.items():
        ws = wb.create_sheet(title=name)
        ws.append([safe_cell(h) for h in headers])
        for row in rows:
            ws.append([safe_cell(v) for v in row])
    with atomic_path(path) as tmp:
        wb.save(tmp)


def write_frames(path: Path, frames: Mapping[str, pd.DataFrame], index: bool = False) -> None:
    """pandas tables into one workbook (one sheet each) or, for a .csv path, the single table."""
    import pandas as pd

    if Path(path).suffix.lower() == ".csv":
        (df,) = frames.values()
        with atomic_path(path) as tmp:
            safe_frame(df).to_csv(tmp, index=index, encoding="utf-8-sig")
        return
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for name, df in frames.items():
                safe_frame(df).to_excel(xl, sheet_name=name, index=index)
