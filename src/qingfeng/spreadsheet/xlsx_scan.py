"""The fast path of :mod:`.xlsx_stream`: sheet XML scanned with regular expressions, in chunks.

Building an lxml element for each of a 50,000-row sheet's millions of cells
and reading it back in Python costs microseconds a cell.  Nearly every cell
in the files people bring is one of a few plain forms::

    <c r="B7" s="3" t="s"><v>12</v></c>        shared string, number, boolean, error
    <c r="B7" t="inlineStr"><is><t>文本</t></is></c>   openpyxl's and many exporters' text
    <c r="B7" s="3"/>                          empty, formatted

so the sheet is decompressed in chunks, split at ``</row>`` and each row's
cells found with one regular expression (C speed).  Inline text is decoded
in batches by lxml (XML character references), never by a Python callback
per character.  Anything else — rich text, a formula, an attribute we do
not know, a cell without its ``r`` — makes that one row go to
:func:`parse_row`, the lxml reader, so every cell is read the same way
whichever path it took (``tests/test_xlsx_reading.py`` checks the two agree).
A sheet whose tags carry a namespace prefix is left to the lxml path whole.
"""
from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator

from lxml import etree

__all__ = ["scan_rows", "scannable", "column_index", "number", "CHUNK"]

CHUNK = 1 << 20  # compressed sheet read a megabyte at a time
_CELL = re.compile(r'<c r="([A-Z]{1,3})\d+"((?: [st]="[^"]*")*)\s*(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>'
                   r'([^<]*)</t></is>)?</c>)')
_ROW = re.compile(r'<row\b([^>]*?)/?>')
_R = re.compile(r'\br="(\d+)"')
_ATTR = re.compile(r' ([st])="([^"]*)"')
_MERGE = re.compile(r'<mergeCell\b[^>]*?\bref="([^"]+)"')
_ROOT = re.compile(r'<worksheet\b[^>]*>')
_DECODED_MAX = 100_000  # distinct inline texts kept decoded (repeated vocabulary); cleared when full


def scannable(head: str) -> bool:
    """Whether a sheet whose XML begins with ``head`` uses unprefixed tags (``<worksheet``, ``<sheetData``)."""
    return _ROOT.search(head) is not None and "<sheetData" in head


_COLUMNS: dict[str, int] = {}  # "AB" -> 27, filled as letters are met


def column_index(letters: str) -> int:
    """0-based column of upper-case ``letters`` ("A" -> 0)."""
    n = _COLUMNS.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        n -= 1
        if len(letters) <= 3:  # Excel's columns end at XFD: a hostile file's odd refs are not kept
            _COLUMNS[letters] = n
    return n


_INLINE, _SHARED, _NUMBER, _OTHER = range(4)


def _kinds(attrs: str, dates: frozenset[int], cache: dict[str, tuple[int, str, int | None]]) -> tuple[int, str, int | None]:
    """(how to read it, cell type, style index) from a cell's ``s``/``t`` attributes, parsed once per spelling."""
    found = dict(_ATTR.findall(attrs))
    kind, style = found.get("t", "n"), int(found["s"]) if "s" in found else None
    how = {"inlineStr": _INLINE, "s": _SHARED}.get(kind, _NUMBER if kind == "n" and style not in dates else _OTHER)
    cache[attrs] = got = (how, kind, style)
    return got


def number(text: str):
    """A ``<v>`` of a number cell: int when it is one, else float."""
    try:
        return int(text)
    except ValueError:
        return float(text)


def scan_rows(chunks: Iterator[bytes], shared: list[str], dates: frozenset[int],
              value_of: Callable[[str, str, int | None], object], parse_row: Callable[[str, str], list[object]],
              merged: list[str]) -> Iterator[tuple[int, list[object]]]:
    """(row number, values by column) for every non-empty ``<row>``; merged ranges appended to ``merged`` at the end.

    Shared strings and plain numbers are read here; ``value_of(type, text, style)`` reads any other
    ``<v>`` (booleans, errors, dates); ``parse_row(root_start_tag, row_xml)`` reads a row the scanner
    does not handle.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    decoded: dict[str, str] = {}
    kinds: dict[str, tuple[int, str, int | None]] = {}
    hows: dict[str, int] = {}  # the first of each spelling's kinds, on its own: the one the loop needs
    root, rest, last_row = "", "", 0
    for chunk in chunks:
        text = rest + decoder.decode(chunk)
        if not root:
            m = _ROOT.search(text)
            if m is None:
                rest = text
                continue
            root = m.group(0)
        pieces = text.split("</row>")
        rest = pieces.pop()
        batch = []
        for piece in pieces:
            start = piece.rfind("<row")
            head = _ROW.match(piece, start) if start >= 0 else None
            if head is None:
                raise ValueError("a </row> without its <row>")
            for empty in _ROW.finditer(piece, 0, start) if "<row" in piece[:start] else ():  # <row r="5"/>: no cells
                r = _R.search(empty.group(1))
                last_row = int(r.group(1)) if r else last_row + 1
                batch.append((last_row, [], None))
            r = _R.search(head.group(1))
            last_row = int(r.group(1)) if r else last_row + 1
            body = piece[head.end():]
            cells = _CELL.findall(body)
            if len(cells) != body.count("<c") or "<f" in body:  # "<c" begins only cell tags in a row (else: lxml reads it)
                batch.append((last_row, None, piece[start:] + "</row>"))
            else:
                batch.append((last_row, cells, None))
        if "&" in text or "\r" in text:  # else no inline text of this chunk holds what an XML parser would change
            _decode_inline(batch, decoded)
        get, column, how_of = decoded.get, _COLUMNS.get, hows.get
        for row_no, cells, xml in batch:
            if cells is None:
                yield row_no, parse_row(root, xml)
                continue
            if not cells:
                yield row_no, []
                continue
            values: list[object] = [None] * (column_index(cells[-1][0]) + 1)
            for letters, attrs, v, inline in cells:  # millions of cells: local lookups only
                i = column(letters)
                if i is None:
                    i = column_index(letters)
                how = how_of(attrs)
                if how is None:
                    how = hows[attrs] = _kinds(attrs, dates, kinds)[0]
                if how == _INLINE:
                    values[i] = get(inline, inline)
                elif not v:
                    pass
                elif how == _SHARED:
                    values[i] = shared[int(v)]
                elif how == _NUMBER:
                    values[i] = int(v) if v.isdigit() else number(v)
                else:
                    _, kind, style = kinds[attrs]
                    values[i] = value_of(kind, _unescape(v) if "&" in v or "\r" in v else v, style)
            yield row_no, values
    rest += decoder.decode(b"", final=True)
    if "</worksheet>" not in rest:  # cut short: the rows read so far are not the whole sheet
        raise ValueError("the sheet XML ends before </worksheet>")
    merged.extend(_MERGE.findall(rest))


def _decode_inline(batch: list, decoded: dict[str, str]) -> None:
    """Inline texts holding character references (``&#32534;``) decoded by lxml in one document per chunk."""
    todo = list({inline for _, cells, _ in batch if cells for _, _, _, inline in cells
                 if ("&" in inline or "\r" in inline) and inline not in decoded})  # what an XML parser would change
    if not todo:
        return
    if len(decoded) + len(todo) > _DECODED_MAX:
        decoded.clear()
    doc = etree.fromstring("<x><t>" + "</t><t>".join(todo) + "</t></x>")
    decoded.update(zip(todo, (t.text or "" for t in doc)))


def _unescape(text: str) -> str:
    return etree.fromstring(f"<v>{text}</v>").text or ""
