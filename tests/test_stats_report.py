"""The statistics report end to end on a simulated district: files, headers, encodings, fonts."""
from __future__ import annotations

import csv
import warnings
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from qingfeng.chart_fonts import FONT_FILE, use_chinese_font
from qingfeng.cli.main import cli
from qingfeng.demo.district import EXAM, UNITS, build_demo
from qingfeng.project import find_project
from qingfeng.stats.data import load_gradebook, load_plain_table
from qingfeng.stats.report import SIMULATED_NOTE, build_report

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory, gradebook_backend):
    return build_demo(find_project(REPO), tmp_path_factory.mktemp(f"demo-{gradebook_backend}") / "district", n=80, seed=5,
                      gradebook=gradebook_backend.settings())


@pytest.fixture(scope="module")
def files(demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    r = CliRunner().invoke(cli, ["--root", str(demo.root), "stats", EXAM, "--out", str(out), "--pass", "55"])
    assert r.exit_code == 0, r.output
    assert "模拟数据" in r.output
    return out


def test_gradebook_table_counts_absent_pending_late(demo):
    t = load_gradebook(demo, EXAM)
    assert len(t.roster) == 80 and 0 < len(t.absent) < 15
    assert len(t.scores) == 80 - len(t.absent)
    assert t.pending.sum() > 0 and t.late.sum() >= 0
    assert t.items.shape[0] == 60 and t.max_total == 100
    assert set(t.roster["单位"]) <= set(UNITS)
    assert t.responses is not None and t.responses.shape[1] == 40  # 30 单选 + 10 多选


def test_workbook_has_one_chinese_sheet_per_view(files):
    wb = openpyxl.load_workbook(next(files.glob("*.xlsx")))
    assert wb.sheetnames == ["说明", "总体", "分数分布", "按单位", "按部门", "按岗位", "按题目", "按风险类别", "单位×风险类别", "考生成绩"]
    assert SIMULATED_NOTE in [c.value for c in wb["说明"]["A"]]
    heads = [c.value for c in wb["按题目"][1]]
    assert heads[:4] == ["题号", "题目编号", "题型", "满分"] and "区分度" in heads and "最多人选的错误选项" in heads
    assert [c.value for c in wb["按单位"][1]][:3] == ["名次", "单位", "应考"]


def test_csv_is_utf8_with_bom_for_excel(files):
    raw = next(files.glob("*.csv")).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "题号" and len(rows) == 61


def test_html_embeds_the_four_charts_and_says_simulated(files):
    page = next(files.glob("*.html")).read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 4 and SIMULATED_NOTE in page
    assert len(list(files.glob("*.png"))) == 4


def test_chinese_text_renders_with_the_shipped_cjk_font(demo):
    family = use_chinese_font()
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert "CJK" in Path(path).name or Path(path).name == FONT_FILE
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font" for tofu
        report = build_report(load_gradebook(demo, EXAM))
    assert len(report.charts) == 4


def test_plain_score_table_feeds_the_same_statistics(demo, tmp_path):
    t = load_gradebook(demo, EXAM)
    path = tmp_path / "scores.csv"
    t.complete.reset_index().to_csv(path, index=False, encoding="utf-8-sig")
    plain, errors = load_plain_table(path, t.items, t.roster, EXAM, t.title)
    assert errors == []
    a, b = build_report(t, with_charts=False), build_report(plain, with_charts=False)
    assert b.summary.mean == pytest.approx(a.summary.mean) and b.summary.alpha == pytest.approx(a.summary.alpha)
    bad = tmp_path / "bad.csv"
    bad.write_text("编号," + ",".join(t.items.index) + "\nx1," + ",".join(["999"] + ["1"] * 59) + "\n", encoding="utf-8")
    _, errors = load_plain_table(bad, t.items, t.roster, EXAM, t.title)
    assert any("超出范围" in str(e) and "第 2 行" in str(e) for e in errors)


def test_workbook_lists_every_candidate_with_totals_from_the_gradebook(files, demo):
    t = load_gradebook(demo, EXAM)
    ws = openpyxl.load_workbook(next(files.glob("*.xlsx")))["考生成绩"]
    heads = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(heads, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(t.roster.index)
    for sid in t.absent:
        assert rows[sid]["缺考"] == "是" and rows[sid]["总分"] is None
    for sid, scores in t.scores.iterrows():
        assert rows[sid]["总分"] == pytest.approx(round(scores.sum(), 2))
        assert rows[sid]["待评题数"] == int(scores.isna().sum())
