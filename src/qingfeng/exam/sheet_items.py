"""One paper item's column(s) on an answer sheet: each distinct answer read, checked, scored and encoded once.

A 50,000-row sheet repeats the same few answers per item (A, √, 不知道 …).
For each item of the paper an :class:`ItemReader` remembers what a distinct
cell means for everything downstream — its :class:`Outcome`: the problem to
report, the item's grade cell and mark (the automatic score, or the score a
marker wrote on the paper) and the ``"item": answer`` fragment of the
candidate's kept answers line (:mod:`.kept_answers`).  A 填空 item of several
blanks is remembered by its tuple of cells.  Reading a row is then one
dictionary lookup per item (:func:`.answer_sheet_rows.iter_answer_rows`).

The scores are :class:`.paper_notebooks.PaperScorer`'s, so the marks recorded
here are the ones the notebooks later made for Formgrader show.
"""
from __future__ import annotations

from ..chinese_text import normalise
from ..spreadsheet import cell_value, score_cell
from .answers import choice_letters, judgement
from .keys import ExamKey
from .kept_answers import fragment
from .paper_notebooks import PaperScorer

__all__ = ["Outcome", "ItemReader", "item_readers", "OBJECTIVE", "ON_PAPER", "NOT_MARKED"]

_CACHED = 20_000  # distinct answers remembered per item (free-text blanks can all differ)

# what an outcome's mark is: an automatic score (counted in the total), a marker's score written on the
# paper (counted), or the automatic 0 of a 简答/论述 item left blank (not counted: nothing to mark)
OBJECTIVE, ON_PAPER, NOT_MARKED = range(3)


class Outcome:
    """One item's answer on one row: a problem, or its grade cell's mark and its kept fragment."""

    __slots__ = ("problem", "header", "cell", "kind", "mark", "kept")

    def __init__(self, problem: str | None, header: str, cell: str = "", kind: int = OBJECTIVE, mark: float = 0.0,
                 kept: bytes | None = None):
        self.problem, self.header, self.cell, self.kind, self.mark, self.kept = problem, header, cell, kind, mark, kept


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


def interpret(col, key: ExamKey, raw: object) -> tuple[object, str | None]:
    """(value, problem) of one cell: a score for 简答/论述, else the text as read ("" when blank)."""
    raw = cell_value(raw)
    text = "" if raw is None else normalise(raw if isinstance(raw, str) else str(raw))
    if col.kind in ("简答", "论述"):
        return score_cell(text, col.max_points)
    if col.kind == "填空" or not text:
        return text, None
    return text, _check_cell(col, key, text)


class ItemReader:
    """The sheet columns of one item (``columns``: (column index, header, SheetColumn), one per blank for 填空)."""

    def __init__(self, key: ExamKey, scorer: PaperScorer, columns: list[tuple[int, str, object]]):
        self.key, self.scorer, self.columns = key, scorer, columns
        col = columns[0][2]
        self.item_id = col.item_id
        self.blanks = col.kind == "填空"
        self.subjective = col.kind in ("简答", "论述")
        self.cell = f"{'answer' if self.subjective else 'test'}-{self.item_id}"
        # one column: remembered by its cell (read inline by the row loop); several blanks: by the tuple of cells
        self.index = columns[0][0] if len(columns) == 1 else None
        self.indexes = [i for i, _, _ in columns]
        first = self.indexes[0]
        self.span = (first, first + len(columns)) if self.indexes == list(range(first, first + len(columns))) else None
        self.cache: dict = {}  # a cell (one column) or a tuple of cells (blanks) -> its Outcome

    def read(self, raw: object) -> Outcome:
        """The outcome of a one-column item's cell (remembered unless a bool: True == 1 as a key)."""
        _, header, col = self.columns[0]
        value, problem = interpret(col, self.key, raw)
        if problem:
            got = Outcome(problem, header)
        elif self.subjective:
            got = (Outcome(None, header, self.cell, NOT_MARKED) if value is None
                   else Outcome(None, header, self.cell, ON_PAPER, float(value), fragment(self.item_id, value)))
        elif self.blanks:
            got = self._scored(header, (value,))
        else:
            got = Outcome(None, header, self.cell, OBJECTIVE, self.scorer.score(self.item_id, value or None).points,
                          fragment(self.item_id, value) if value else None)
        if raw.__class__ is not bool and len(self.cache) < _CACHED:
            self.cache[raw] = got
        return got

    def read_blanks(self, cells: list, width: int) -> Outcome:
        """The outcome of a 填空 item of several blanks, remembered by the tuple of its cells."""
        if self.span is not None:  # its columns side by side, as in the template: one slice
            a, b = self.span
            raws = tuple(cells[a:b]) if b <= width else tuple(cells[a:width]) + (None,) * (b - max(a, width))
        else:
            raws = tuple([cells[i] if i < width else None for i in self.indexes])
        plain = True not in raws and False not in raws  # True == 1 and False == 0 as keys: such a row is read afresh
        got = self.cache.get(raws) if plain else None
        if got is None:
            texts = tuple(interpret(col, self.key, raw)[0] for (_, _, col), raw in zip(self.columns, raws))
            got = self._scored(self.columns[0][1], texts)
            if plain and len(self.cache) < _CACHED:
                self.cache[raws] = got
        return got

    def _scored(self, header: str, texts: tuple) -> Outcome:
        """A 填空 item's outcome: always kept, its blanks as typed ("" where empty)."""
        return Outcome(None, header, self.cell, OBJECTIVE, self.scorer.score(self.item_id, texts).points,
                       fragment(self.item_id, texts))


def item_readers(key: ExamKey, plan: list[tuple[int, str, object]]) -> list[ItemReader]:
    """One reader per item, in paper order (``plan``: the sheet's (column index, header, SheetColumn)
    in paper order, an item's blanks side by side)."""
    scorer = PaperScorer(key)
    grouped: dict[str, list] = {}
    for column in plan:
        grouped.setdefault(column[2].item_id, []).append(column)
    return [ItemReader(key, scorer, sorted(cols, key=lambda c: c[2].blank)) for cols in grouped.values()]
