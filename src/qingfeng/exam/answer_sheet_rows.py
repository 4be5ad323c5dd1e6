"""Reading a paper answer sheet row by row: each cell read as the examiner typed it, each problem named.

:func:`iter_answer_rows` yields one :class:`SheetRow` per valid row while it
reads and collects every problem (row and column, in Chinese) in a list, so
marking can start on the first rows of a 50,000-row sheet while the rest is
still being read, and refuse the whole sheet at the end if anything was wrong.
Each row is marked as it is read: an item's distinct answers are read, scored
and encoded once (:mod:`.sheet_items`), so a row is one lookup per item.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..chinese_text import id_text
from ..ids import IdError, check_person_id, id_key
from ..spreadsheet import RowError, SheetError, cell_value, read_table
from ..spreadsheet.forked_rows import read_in_child
from .keys import ExamKey
from .sheet_items import OBJECTIVE, ON_PAPER, item_readers

__all__ = ["SheetRow", "AnswerSheet", "open_answer_sheet", "iter_answer_rows"]


@dataclass
class SheetRow:
    row: int
    student: str
    kept: list[bytes]  # the kept answers' "item": answer fragments (.kept_answers), in paper order
    auto: dict[str, float]  # grade cell -> automatic score
    manual: dict[str, float]  # grade cell -> score a marker wrote on the paper (简答/论述)
    total: float


@dataclass
class AnswerSheet:
    table: object  # the SheetRows being read
    id_column: int
    plan: list[tuple[int, str, object]]  # (column index, header, SheetColumn), in paper order


def _header_key(h: str) -> str:
    """Headers as typed, full-width forms folded (填空１－２, 简答２(满分５) → 填空1-2, 简答2（满分5）)."""
    return id_text(h).replace(" ", "").replace("(", "（").replace(")", "）")


def open_answer_sheet(path: Path, columns: list) -> tuple[AnswerSheet | None, list[RowError]]:
    """The sheet ``答题卡`` (or the first) with its columns matched to ``columns`` (:func:`.answer_sheets.sheet_columns`)."""
    try:
        table = read_in_child(read_table(path, "答题卡", positional=True), path)  # read while rows are marked
    except SheetError as e:
        return None, [RowError(None, "", str(e))]
    heads = {_header_key(h): i for i, h in enumerate(table.headers) if h}
    missing = [h for h in ["编号", *(c.header for c in columns)] if h not in heads]
    if missing:
        table.close()
        return None, [RowError(None, h, "缺少这一列（请用 qingfeng exam sheet-template 生成的答题卡表）") for h in missing]
    return AnswerSheet(table, heads["编号"], [(heads[c.header], c.header, c) for c in columns]), []


def iter_answer_rows(sheet: AnswerSheet, key: ExamKey, known: dict[str, str], errors: list[RowError]) -> Iterator[SheetRow]:
    """Valid rows, read and marked as they are read; problems appended to ``errors`` (merged and formula
    cells at the end).

    ``known`` maps :func:`id_key` of each roster 编号 to its spelling (empty: no roster)."""
    seen: dict[str, tuple[str, int]] = {}
    readers = [(r.index, r.cache, r) for r in item_readers(key, sheet.plan)]
    for row_no, cells in sheet.table.rows:
        width = len(cells)
        sid = id_text(cell_value(cells[sheet.id_column]) if sheet.id_column < width else None)
        errs = []
        if not sid:
            errs.append(RowError(row_no, "编号", "不能为空"))
        else:
            try:
                sid = check_person_id(sid)
            except IdError as e:
                errs.append(RowError(row_no, "编号", str(e)))
            else:
                k = id_key(sid)
                if known and k not in known:
                    errs.append(RowError(row_no, "编号", f"“{sid}”不在考生名单中"))
                elif k in seen:
                    first, row_first = seen[k]
                    same = "" if first == sid else f"（“{first}”与“{sid}”只差大小写，是同一考生）"
                    errs.append(RowError(row_no, "编号", f"与第 {row_first} 行重复{same}"))
                elif known:
                    sid = known[k]  # the roster's spelling
        kept: list[bytes] = []
        auto: dict[str, float] = {}
        manual: dict[str, float] = {}
        objective = on_paper = 0  # summed in paper order, as sum() would
        for index, cache, reader in readers:  # one lookup per item: its outcome for this answer
            if index is None:
                got = reader.read_blanks(cells, width)
            else:
                raw = cells[index] if index < width else None
                got = cache.get(raw) if raw.__class__ is not bool else None
                if got is None:
                    got = reader.read(raw)
            if got.problem is not None:
                errs.append(RowError(row_no, got.header, got.problem))
                continue
            if got.kept is not None:
                kept.append(got.kept)
            if got.kind == OBJECTIVE:
                auto[got.cell] = got.mark
                objective += got.mark
            elif got.kind == ON_PAPER:
                manual[got.cell] = got.mark
                on_paper += got.mark
            else:
                auto[got.cell] = 0.0
        if errs:
            errors += errs
            continue
        seen[id_key(sid)] = (sid, row_no)
        yield SheetRow(row_no, sid, kept, auto, manual, objective + on_paper)
    errors += sheet.table.problems  # merged and formula cells, known once every row is read
