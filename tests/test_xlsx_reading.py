"""The fast sheet scanner (.xlsx_scan) reads every cell as the lxml reader does, and hands it what it cannot read.

Each workbook is read twice, once through the scanner and once with it switched off; rows, formulas
and merged ranges must be identical.  The files cover what people bring: openpyxl's shared and inline
strings, Excel-style rows with extra attributes and namespace prefixes, dates, booleans, errors,
escaped and multi-line text, rich text, formulas, merged cells, gaps and empty rows, and chunk
boundaries falling anywhere.
"""
from __future__ import annotations

import datetime as dt
import random
import zipfile

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from qingfeng.spreadsheet import read_table, write_xlsx
from qingfeng.spreadsheet import xlsx_scan, xlsx_stream


def both(path, monkeypatch, chunk: int | None = None):
    if chunk:
        monkeypatch.setattr(xlsx_stream, "CHUNK", chunk)
    fast = xlsx_stream.open_sheet(path)
    fast_rows = list(fast.rows)
    with monkeypatch.context() as m:
        m.setattr(xlsx_stream, "scannable", lambda head: False)
        slow = xlsx_stream.open_sheet(path)
        slow_rows = list(slow.rows)
    assert fast_rows == slow_rows
    assert fast.formulas == slow.formulas and fast.merged == slow.merged
    return fast_rows, fast


TEXTS = ["编号", "a&b<c>\"d'", "  前后空格  ", "多行\n第二行", "Windows\r\n换行", "=SUM(A1)", "'=已中和", "乾隆於潜",
         "＝全角", "", "😀 emoji", "x" * 300, "&amp; literal", "\t制表"]


def _workbook(write_only: bool):
    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("答题卡") if write_only else wb.active
    if not write_only:
        ws.title = "答题卡"
    rng = random.Random(7)
    ws.append(["编号", "文本", "数字", "日期", "真假", "空"])
    for i in range(400):
        ws.append([f"c{i:03d}", rng.choice(TEXTS) or None, rng.choice([3, 3.5, -2, 1e-7, 10 ** 12, None]),
                   rng.choice([dt.date(2026, 12, 1), dt.datetime(2026, 12, 1, 9, 30), None]), rng.choice([True, False, None]),
                   None])
    return wb


@pytest.mark.parametrize("write_only", [True, False], ids=["inline strings", "shared strings"])
@pytest.mark.parametrize("chunk", [None, 97, 4096])
def test_scanner_reads_openpyxl_files_as_lxml_does(tmp_path, monkeypatch, write_only, chunk):
    path = tmp_path / "a.xlsx"
    _workbook(write_only).save(path)
    rows, _ = both(path, monkeypatch, chunk)
    assert len(rows) == 401 and rows[0][1][:2] == ["编号", "文本"]
    texts = {v[1] for _, v in rows[1:] if len(v) > 1}
    assert "多行\n第二行" in texts and "a&b<c>\"d'" in texts and "  前后空格  " in texts


def test_formulas_merged_cells_rich_text_and_errors_go_through_lxml_and_are_reported(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编号", "单位", "得分"])
    ws.append(["p01", "交通局", 3])
    ws.append(["p02", None, "=C2+1"])
    ws.append(["p03", CellRichText(TextBlock(InlineFont(b=True), "粗体"), "普通"), "#N/A"])
    ws.merge_cells("B3:B4")
    ws["A6"] = "隔一行"
    ws["E6"] = "跳列"
    path = tmp_path / "m.xlsx"
    wb.save(path)
    rows, sheet = both(path, monkeypatch)
    assert sheet.formulas == [(3, 3, "=C2+1")] and sheet.merged == ["B3:B4"]
    assert rows[-1] == (6, ["隔一行", None, None, None, "跳列"])
    table = read_table(path)
    list(table.rows)
    assert any("合并单元格 B3:B4" in str(p) for p in table.problems) and any("是公式" in str(p) for p in table.problems)


def _rewrite_sheet(path, change):
    """The same workbook with its sheet XML changed as another program would write it."""
    out = path.with_name("changed.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            dst.writestr(item, data)
    return out


def test_excel_style_rows_prefixes_and_unknown_attributes(tmp_path, monkeypatch):
    path = tmp_path / "a.xlsx"
    _workbook(False).save(path)
    excel = _rewrite_sheet(path, lambda x: x.replace(
        "<worksheet ", '<worksheet xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" ', 1)
        .replace('<row r="5"', '<row r="5" spans="1:6" x14ac:dyDescent="0.25"')
        .replace('<c r="B7"', '<c r="B7" cm="1"').replace('<row r="9">', '<row r="8"/><row r="9">'))
    rows, _ = both(excel, monkeypatch)
    assert (8, []) in rows and [n for n, _ in rows][:5] == [1, 2, 3, 4, 5]
    prefixed = _rewrite_sheet(path, lambda x: x.replace("<worksheet xmlns=", "<x:worksheet xmlns:x=").replace("</worksheet>", "</x:worksheet>")
                              .replace("<sheetData", "<x:sheetData").replace("</sheetData", "</x:sheetData")
                              .replace("<row", "<x:row").replace("</row", "</x:row").replace("<c ", "<x:c ").replace("</c>", "</x:c>")
                              .replace("<v>", "<x:v>").replace("</v>", "</x:v>"))
    assert not xlsx_scan.scannable(zipfile.ZipFile(prefixed).read("xl/worksheets/sheet1.xml").decode())
    assert [n for n, _ in both(prefixed, monkeypatch)[0]] == [n for n, _ in both(path, monkeypatch)[0]]  # left to lxml whole


def test_our_own_exports_read_back_through_the_scanner(tmp_path, monkeypatch):
    path = tmp_path / "e.xlsx"
    write_xlsx(path, {"表": (["编号", "备注"], [[f"r{i}", t] for i, t in enumerate(TEXTS)])})
    both(path, monkeypatch, 64)
    monkeypatch.setattr(xlsx_stream, "CHUNK", 64)
    kept = [t for t in TEXTS if t and not t.startswith("'")]  # '= is our own guard's mark: read back without it
    path = tmp_path / "f.xlsx"
    write_xlsx(path, {"表": (["编号", "备注"], [[f"r{i}", t] for i, t in enumerate(kept)])})
    assert [r["备注"] for _, r in read_table(path).rows] == kept


def test_a_cell_tag_with_other_white_space_is_read_not_dropped(tmp_path, monkeypatch):
    """``<c\tr="B7">`` is well-formed XML the scanner's pattern does not take: the row goes to lxml whole."""
    path = tmp_path / "a.xlsx"
    _workbook(False).save(path)
    spaced = _rewrite_sheet(path, lambda x: x.replace('<c r="B7"', '<c\tr="B7"').replace('<c r="C9"', '<c\nr="C9"'))
    rows, _ = both(spaced, monkeypatch)
    assert rows == both(path, monkeypatch)[0]
