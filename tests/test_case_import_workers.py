"""Long case sheets: shared out between processes with the same outcome, and an import killed half-way is undone."""
from __future__ import annotations

import fcntl
import multiprocessing
import os
import signal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from qingfeng.cases import load_library
from qingfeng.cases import row_workers
from qingfeng.cases import transaction as tx
from qingfeng.cases.columns import COLUMNS
from qingfeng.cases.import_journal import JOURNAL
from qingfeng.cases.importer import import_sheet
from qingfeng.cli.main import cli

from .test_case_import import good_row, snapshot, xlsx


@pytest.fixture
def cases_dir(project: Path) -> Path:
    return project / "risk_case_library" / "cases"


@pytest.fixture
def small_pool(monkeypatch):
    """Workers from the 40th row on, in chunks of 15: a 300-row sheet exercises what 50,000 rows do.
    Yields the number of times workers were started."""
    monkeypatch.setattr(row_workers, "POOL_FROM", 40)
    monkeypatch.setattr(row_workers, "CHUNK", 15)
    started, real = [], row_workers.RowWorkers._started

    def counted(self):
        if self._pool is None:
            started.append(1)
        return real(self)

    monkeypatch.setattr(row_workers.RowWorkers, "_started", counted)
    yield started


def _rows(n: int, bad: dict[int, dict] | None = None) -> list[dict]:
    rows = [good_row(来源=f"https://www.example.gov.cn/pool/{i}.html") for i in range(n)]
    for i, change in (bad or {}).items():
        rows[i].update(change)
    return rows


def _copy(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for p in src.glob("*.yaml"):
        (dst / p.name).write_bytes(p.read_bytes())
    return dst


def test_a_long_sheet_checked_by_workers_reports_the_same_errors_in_row_order(cases_dir, tmp_path, small_pool, monkeypatch):
    bad = {3: {"风险类别": "经济风险"}, 100: {"防控措施编号": "M99-9"}, 101: {"事实经过": "太短"}, 299: {"危害程度": "很大"}}
    sheet = xlsx(tmp_path / "bad.xlsx", _rows(300, bad))
    before = snapshot(cases_dir)
    pooled = import_sheet(sheet, cases_dir)
    assert small_pool == [1]
    monkeypatch.setattr(row_workers, "POOL_FROM", 10 ** 9)
    serial = import_sheet(sheet, cases_dir)
    assert small_pool == [1] and [str(e) for e in pooled.errors] == [str(e) for e in serial.errors]
    rows = [e.row for e in pooled.errors if e.row]
    assert rows == sorted(rows) and {5, 102, 103, 301} <= set(rows)  # sheet row i is Excel row i + 2
    assert snapshot(cases_dir) == before and not pooled.written


def test_a_long_sheet_written_by_workers_gives_the_same_files_as_one_process(cases_dir, tmp_path, small_pool, monkeypatch):
    sheet = xlsx(tmp_path / "good.xlsx", _rows(300))
    serial_dir = _copy(cases_dir, tmp_path / "serial")
    pooled = import_sheet(sheet, cases_dir)
    monkeypatch.setattr(row_workers, "POOL_FROM", 10 ** 9)
    serial = import_sheet(sheet, serial_dir)
    assert small_pool == [1]  # the first import only
    assert pooled.errors == [] and len(pooled.added) == 300 and pooled.added == serial.added
    assert snapshot(cases_dir) == snapshot(serial_dir)
    assert load_library(cases_dir).ok
    assert not [p for p in cases_dir.iterdir() if p.name.startswith(".import")]  # no journal, no staging left


def test_a_formula_cell_in_the_pooled_part_of_a_sheet_is_still_reported(cases_dir, tmp_path, small_pool):
    path = xlsx(tmp_path / "f.xlsx", _rows(200))
    wb = openpyxl.load_workbook(path)
    title = [c.header for c in COLUMNS].index("标题") + 1
    wb.active.cell(row=180, column=title, value="=A1&B1")
    wb.save(path)
    report = import_sheet(path, cases_dir)
    assert any(e.row == 180 and "公式" in e.message for e in report.errors), [str(e) for e in report.errors]
    assert not report.written


def _killed_import(sheet: Path, cases_dir: Path, after: int) -> None:
    """In a child process: an import that is killed (SIGKILL) after creating ``after`` case files."""
    real, made = tx.create_file, {"n": 0}

    def create_then_die(path, data):
        real(path, data)
        made["n"] += 1
        if made["n"] == after:
            os.kill(os.getpid(), signal.SIGKILL)

    tx.create_file = create_then_die
    import_sheet(sheet, cases_dir)


def test_an_import_killed_half_way_is_reported_and_undone_by_the_next_import(cases_dir, tmp_path, project):
    before = snapshot(cases_dir)
    sheet = xlsx(tmp_path / "k.xlsx", _rows(12))
    child = multiprocessing.get_context("fork").Process(target=_killed_import, args=(sheet, cases_dir, 5))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL
    assert len(snapshot(cases_dir)) > len(before)  # five new case files (and the journal) were left behind

    lib = load_library(cases_dir)
    assert any(p.file == JOURNAL and "上次导入被中断" in p.message for p in lib.problems)
    r = CliRunner().invoke(cli, ["--root", str(project), "cases", "validate"])
    assert r.exit_code != 0 and "上次导入被中断" in r.output and "5 个新案例文件" in r.output, r.output
    dry = import_sheet(sheet, cases_dir, dry_run=True)
    assert dry.errors and not dry.written  # a dry run changes nothing, not even the leftovers

    report = import_sheet(sheet, cases_dir)
    assert report.errors == [] and len(report.added) == 12
    assert any("上次导入被中断，已撤销它写入的 5 个文件" in n for n in report.notes), report.notes
    assert load_library(cases_dir).ok and len(snapshot(cases_dir)) == len(before) + 12
    assert not (cases_dir / JOURNAL).exists()


def test_an_import_while_another_one_runs_is_refused(cases_dir, tmp_path):
    before = snapshot(cases_dir)
    fd = os.open(cases_dir / JOURNAL, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # what a running import holds
        report = import_sheet(xlsx(tmp_path / "a.xlsx", _rows(2)), cases_dir)
        assert any("另一个导入正在进行" in str(e) for e in report.errors) and not report.written
        assert load_library(cases_dir).ok  # a running import is not an interrupted one
    finally:
        os.close(fd)
        os.unlink(cases_dir / JOURNAL)
    assert snapshot(cases_dir) == before
