"""Reading a paper answer sheet row by row: each cell read as the examiner typed it, each problem named.

:func:`iter_answer_rows` yields one :class:`SheetRow` per valid row while it
reads and collects every problem (row and column, in Chinese) in a list, so
marking can start on the first rows of a 50,000-row sheet while the rest is
still being read, and refuse the whole sheet at the end if anything was wrong.
A column's cells repeat (A, √, 不知道 …): each distinct cell of a column is
interpreted once.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..chinese_text import id_text, normalise
from ..ids import IdError, check_person_id, id_key
from ..spreadsheet import RowError, SheetError, cell_value, read_table, score_cell
from ..spreadsheet.forked_rows import read_in_child
from .answers import choice_letters, judgement
from .keys import ExamKey

__all__ = ["SheetRow", "AnswerSheet", "open_answer_sheet", "iter_answer_rows"]

_CACHED = 20_000  # distinct cells remembered per column (free-text blanks can all differ)


@dataclass
class SheetRow:
    row: int
    student: str
    values: dict[str, object]  # item id -> answer value (str, tuple for 填空, float for subjective)


@dataclass
class AnswerSheet:
    table: object  # the SheetRows being read
    id_column: int
    plan: list[tuple[int, str, object, dict]]  # (column index, header, SheetColumn, cache of that column's cells)


def _check_cell(col, key: ExamKey, text: str) -> str | None:
    """An error message for an unreadable cell, or None."""
    e = key.item(col.item_id).entry
    if col.kind in ("单选", "多选"):
        letters = choice_letters(text, dict(e.options))
        if letters is None:
            return f"“{text}”不是本题的选项（{'、'.join(k for k, _ in e.options)}）"
        if col.kind == "单选" and len(letters) > 1:
            return f"单选题只能有一个选项，录入了“{text}”"
    elif col.kind == "判断" and judgement(text) is None:
        return f"“{text}”不是判断（请填 对 或 错）"
    return None


def _header_key(h: str) -> str:
    """Headers as typed, full-width forms folded (填空１－２, 简答２(满分５) → 填空1-2, 简答2（满分5）)."""
    return id_text(h).replace(" ", "").replace("(", "（").replace(")", "）")


def _interpret(col, key: ExamKey, raw: object) -> tuple[object, str | None]:
    """(value, problem) of one cell: a score for 简答/论述, else the text as read ("" when blank)."""
    raw = cell_value(raw)
    text = "" if raw is None else normalise(raw if isinstance(raw, str) else str(raw))
    if col.kind in ("简答", "论述"):
        return score_cell(text, col.max_points)
    if col.kind == "填空" or not text:
        return text, None
    return text, _check_cell(col, key, text)


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
    return AnswerSheet(table, heads["编号"], [(heads[c.header], c.header, c, {}) for c in columns]), []


def iter_answer_rows(sheet: AnswerSheet, key: ExamKey, known: dict[str, str], errors: list[RowError]) -> Iterator[SheetRow]:
    """Valid rows as they are read; problems appended to ``errors`` (merged and formula cells at the end).

    ``known`` maps :func:`id_key` of each roster 编号 to its spelling (empty: no roster)."""
    seen: dict[str, tuple[str, int]] = {}
    # (column index, header, SheetColumn, its cell cache, item id, blank number or 0 unless 填空)
    plan = [(i, h, col, cache, col.item_id, col.blank if col.kind == "填空" else 0) for i, h, col, cache in sheet.plan]
    blank_items = list(dict.fromkeys(col.item_id for _, _, col, _ in sheet.plan if col.kind == "填空"))
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
        values: dict[str, object] = {}
        blanks: list | None = None  # the 填空 item being read: its blanks so far
        for index, header, col, cache, iid, blank in plan:
            raw = cells[index] if index < width else None
            got = cache.get(raw) if raw.__class__ is not bool else None  # True == 1 as a key, not as a cell
            if got is None:
                got = _interpret(col, key, raw)
                if len(cache) < _CACHED and raw.__class__ is not bool:
                    cache[raw] = got
            value, problem = got
            if problem:
                errs.append(RowError(row_no, header, problem))
            elif blank:  # columns come in paper order: an item's blanks are side by side
                if blank == 1 or blanks is None:
                    blanks = values[iid] = []
                blanks += [""] * (blank - 1 - len(blanks))
                blanks.append(value)
            elif value is not None and value != "":
                values[iid] = value
        for iid in blank_items:  # tuples, as marking and the kept answers expect
            if iid in values:
                values[iid] = tuple(values[iid])
        if errs:
            errors += errs
            continue
        seen[id_key(sid)] = (sid, row_no)
        yield SheetRow(row_no, sid, values)
    errors += sheet.table.problems  # merged and formula cells, known once every row is read
