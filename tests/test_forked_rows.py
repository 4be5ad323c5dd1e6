"""A long sheet read by a forked child: the same rows and problems, damage reported, no child left behind."""
from __future__ import annotations

import os
import signal
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from qingfeng.spreadsheet import SheetError, read_table
from qingfeng.spreadsheet import forked_rows
from qingfeng.spreadsheet.forked_rows import read_in_child


@pytest.fixture
def always_fork(monkeypatch):
    monkeypatch.setattr(forked_rows, "FORK_FROM_BYTES", 0)
    monkeypatch.setattr(forked_rows, "BATCH", 7)  # several messages, the last one short
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def _sheet(path: Path, rows: int = 100) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编号", "单位", "得分"])
    for i in range(rows):
        ws.append([f"p{i:03d}", "交通局" if i % 3 else None, i if i != 40 else "=C2+1"])
    ws.merge_cells("B10:B11")
    ws.append([])
    ws.append(["末行", 1.5, True])
    wb.save(path)
    return path


def _children() -> set[int]:
    me = str(os.getpid())
    return {int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(p) == me}


def _ppid(pid: str) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    except (OSError, IndexError):
        return None


def test_same_rows_and_problems_as_read_here(tmp_path, always_fork):
    path = _sheet(tmp_path / "a.xlsx")
    here = read_table(path, positional=True)
    expected = list(here.rows)
    there = read_in_child(read_table(path, positional=True), path)
    assert there is not here and there.headers == here.headers
    assert list(there.rows) == expected and len(expected) == 101
    assert [str(p) for p in there.problems] == [str(p) for p in here.problems]
    assert any("是公式" in str(p) for p in there.problems) and any("合并单元格 B10:B11" in str(p) for p in there.problems)


def test_small_files_are_read_here(tmp_path):
    path = _sheet(tmp_path / "a.xlsx", rows=3)
    table = read_table(path, positional=True)
    assert read_in_child(table, path) is table
    table.close()


def _cut(path: Path, fraction: float) -> Path:
    out = path.with_name("cut.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[: int(len(data) * fraction)] if item.filename == "xl/worksheets/sheet1.xml" else data)
    return out


@pytest.mark.parametrize("in_child", [False, True])
def test_a_sheet_cut_short_is_an_error_not_fewer_rows(tmp_path, monkeypatch, in_child):
    if in_child:
        monkeypatch.setattr(forked_rows, "FORK_FROM_BYTES", 0)
    path = _cut(_sheet(tmp_path / "a.xlsx", rows=300), 0.6)
    table = read_in_child(read_table(path, positional=True), path)
    read = []
    with pytest.raises(SheetError, match=r"cut\.xlsx：文件已损坏，读到第 \d+ 行之后无法继续"):
        for row in table.rows:
            read.append(row)
    assert 50 < len(read) < 300


def _in_child(tmp_path, rows: int):
    """A sheet of ``rows`` rows being read by a child; returns the rows and the child's pid."""
    path = _sheet(tmp_path / "a.xlsx", rows=rows)
    before = _children()
    table = read_in_child(read_table(path, positional=True), path)
    (child,) = _children() - before
    return table, child


def test_stopping_early_leaves_no_child(tmp_path, always_fork):
    table, child = _in_child(tmp_path, 2000)
    rows = table.rows
    assert next(rows)[0] == 2
    rows.close()
    assert child not in _children()


def test_a_killed_reader_is_reported(tmp_path, always_fork):
    table, child = _in_child(tmp_path, 5000)
    next(table.rows)
    os.kill(child, signal.SIGKILL)
    time.sleep(0.2)
    with pytest.raises(SheetError, match="读取表格的进程意外退出"):
        for _ in table.rows:
            pass


def test_rows_dropped_unread_stop_the_child(tmp_path, always_fork):
    table, child = _in_child(tmp_path, 2000)
    del table  # a caller that refuses the sheet on its headers never reads a row
    assert child not in _children()


def test_an_error_that_cannot_be_pickled_still_reaches_the_reader_in_chinese(tmp_path, always_fork, monkeypatch):
    class Unpicklable(ValueError):
        def __reduce__(self):
            raise TypeError("not picklable")

    path = _sheet(tmp_path / "a.xlsx", rows=50)
    table = read_table(path, positional=True)
    real = table.rows

    def broken():
        for _ in range(3):
            yield next(real)
        raise Unpicklable("boom")

    table.rows = broken()
    rows = read_in_child(table, path)
    got = []
    with pytest.raises(SheetError, match=r"a\.xlsx：读取时出错，未读完（Unpicklable：boom）"):
        for row in rows.rows:
            got.append(row)
    assert len(got) == 3
