"""The spreadsheet layer: every .xlsx/.csv the project reads or writes goes through here.

* :mod:`.reading`  — tables people keep, streamed, with Excel's row numbers for error messages;
  merged and formula cells are reported, never read as blanks.
* :mod:`.formulas` — :func:`safe_cell` neutralises text that a spreadsheet would run as a formula
  (``= + - @``, tab, CR, full-width ＝＋－＠); :func:`restore_cell` undoes it on import.
* :mod:`.writing`  — :func:`write_xlsx`, :func:`write_csv` and :func:`write_frames`, which pass every
  cell through :func:`safe_cell`.  Every export of the project must use them (or call
  :func:`safe_cell` on each value it writes itself).
"""
from .formulas import restore_cell, safe_cell, safe_frame
from .reading import RowError, SheetError, SheetRows, cell_value, header_positions, named_cells, read_table, score_cell
from .writing import atomic_path, write_csv, write_frames, write_xlsx

__all__ = ["RowError", "SheetError", "SheetRows", "read_table", "cell_value", "named_cells", "header_positions", "score_cell", "safe_cell", "restore_cell", "safe_frame",
           "write_csv", "write_xlsx", "write_frames", "atomic_path"]
