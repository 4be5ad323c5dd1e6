"""A streaming .xlsx reader: rows of values in one pass, at C speed (lxml), in constant memory.

openpyxl's read-only mode builds Python objects for every cell and, for files
written without a ``<dimension>`` (most programs' exports), first scans the
whole sheet to size it; a 50,000-row answer sheet took minutes.  This reader
goes one ``<row>`` at a time and turns cells into values the way openpyxl does
(shared and inline strings, numbers, booleans, errors, dates from the cell's
number format): plain rows through the scanner of :mod:`.xlsx_scan`, every
other row (and sheets with prefixed tags) through lxml's ``iterparse``.

It also reports what openpyxl's values would silently hide: every formula
cell (its value is whatever Excel last computed, or nothing) and every merged
range (all but its first cell read as blank), with their coordinates.
"""
from __future__ import annotations

import datetime as dt
import itertools
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from .xlsx_scan import CHUNK, column_index, number, scan_rows, scannable

__all__ = ["XlsxSheet", "open_sheet", "column_number"]

_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_REL_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
           "http://purl.oclc.org/ooxml/officeDocument/relationships")


def _tags(local: str) -> tuple[str, ...]:
    return tuple(f"{{{ns}}}{local}" for ns in _NS)


_ROW, _C, _V, _F, _IS, _T, _RPH, _MERGE, _SI = (_tags(x) for x in ("row", "c", "v", "f", "is", "t", "rPh", "mergeCell", "si"))


def column_number(letters: str) -> int:
    """1-based column of upper-case ``letters`` ("A" -> 1)."""
    return column_index(letters) + 1


def _split_ref(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    return column_number(letters.upper()), int(ref[len(letters):])


def _column_of(ref: str) -> int:
    return column_number(ref.rstrip("0123456789").upper())


@dataclass
class XlsxSheet:
    title: str
    rows: Iterator[tuple[int, list[object]]]  # (row number, values by column, 0-based), read once
    formulas: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, formula), filled while reading
    merged: list[str] = field(default_factory=list)  # "B2:B4", known once the rows are read


def _find(root, tags):
    for t in tags:
        found = root.find(f".//{t}")
        if found is not None:
            return found
    return None


def _sheet_path(z: zipfile.ZipFile, name: str | None) -> tuple[str, str, bool]:
    wb = etree.fromstring(z.read("xl/workbook.xml"))
    sheets = [el for t in _tags("sheet") for el in wb.iter(t)]
    if not sheets:
        raise ValueError("no sheets")
    chosen = next((s for s in sheets if name and s.get("name") == name), sheets[0])
    rid = next(chosen.get(f"{{{ns}}}id") for ns in _REL_NS if chosen.get(f"{{{ns}}}id"))
    rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    pr = _find(wb, _tags("workbookPr"))
    date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    return chosen.get("name"), path, date1904


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    try:
        src = z.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    out = []
    with src:
        for _, si in etree.iterparse(src, events=("end",), tag=_SI):
            out.append("".join(t.text or "" for t in si.iter(*_T) if t.getparent().tag not in _RPH))
            si.clear()
    return out


def _date_styles(z: zipfile.ZipFile) -> frozenset[int]:
    try:
        root = etree.fromstring(z.read("xl/styles.xml"))
    except KeyError:
        return frozenset()
    custom = {int(f.get("numFmtId")): f.get("formatCode", "") for t in _tags("numFmt") for f in root.iter(t)}
    xfs = _find(root, _tags("cellXfs"))
    out = set()
    for i, xf in enumerate(xfs if xfs is not None else ()):
        fid = int(xf.get("numFmtId", 0))
        code = custom.get(fid, BUILTIN_FORMATS.get(fid, "General"))
        if is_date_format(code):
            out.add(i)
    return frozenset(out)


def open_sheet(path, name: str | None = None) -> XlsxSheet:
    """The named sheet (or the first); raises ValueError/KeyError/zipfile.BadZipFile/etree.XMLSyntaxError on a broken file."""
    z = zipfile.ZipFile(path)
    try:
        title, sheet_path, date1904 = _sheet_path(z, name)
        shared = _shared_strings(z)
        dates = _date_styles(z)
        src = z.open(sheet_path)
    except BaseException:
        z.close()
        raise
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    sheet = XlsxSheet(title, iter(()))

    def cell_value(c):
        t = c.get("t", "n")
        if t == "inlineStr":
            return "".join(x.text or "" for x in c.iter(*_T) if x.getparent().tag not in _RPH)
        v = None
        for child in c:
            if child.tag in _V:
                v = child.text
            elif child.tag in _F:
                ref = c.get("r")
                col, row = _split_ref(ref) if ref else (0, 0)
                sheet.formulas.append((row, col, "=" + (child.text or "")))
        return None if v is None else plain_value(t, v, c.get("s"))

    def row_values(el) -> list[object]:
        values: list[object] = []
        for c in el.iter(*_C):
            ref = c.get("r")
            col = _column_of(ref) - 1 if ref else len(values)
            if col > len(values):
                values.extend([None] * (col - len(values)))
            values.append(cell_value(c))
        return values

    def parse_row(root: str, xml: str) -> list[object]:
        """One row the scanner left to lxml, parsed inside its sheet's root tag (for the namespaces)."""
        return row_values(next(etree.fromstring(f"{root}<sheetData>{xml}</sheetData></worksheet>").iter(*_ROW)))

    def plain_value(kind: str, v: str, style: int | str | None):
        if kind == "s":
            return shared[int(v)]
        if kind in ("str", "e"):
            return v
        if kind == "b":
            return v in ("1", "true")
        if kind == "d":
            return dt.datetime.fromisoformat(v.rstrip("Z"))
        value = number(v)
        return from_excel(value, epoch) if style is not None and int(style) in dates else value

    def lxml_rows() -> Iterator[tuple[int, list[object]]]:
        last_row = 0
        for _, el in etree.iterparse(src, events=("end",), tag=(*_ROW, *_MERGE)):
            if el.tag in _MERGE:
                sheet.merged.append(el.get("ref"))
                continue
            r = el.get("r")
            last_row = int(r) if r else last_row + 1
            values = row_values(el)
            el.clear()
            parent = el.getparent()
            while el.getprevious() is not None:
                del parent[0]
            yield last_row, values

    def rows() -> Iterator[tuple[int, list[object]]]:
        try:
            head = src.read(CHUNK)
            if scannable(head.decode("utf-8", "ignore")):
                chunks = itertools.chain((head,), iter(lambda: src.read(CHUNK), b""))
                yield from scan_rows(chunks, shared, dates, plain_value, parse_row, sheet.merged)
            else:
                src.seek(0)
                yield from lxml_rows()
        finally:
            src.close()
            z.close()

    sheet.rows = rows()
    return sheet
