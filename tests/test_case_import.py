"""Importing trainers' sheets: what people type is accepted, bad input is refused whole."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from qingfeng.cases import load_library
from qingfeng.cases.columns import COLUMNS
from qingfeng.cases.exporter import case_to_row, export_library, write_template
from qingfeng.cases.importer import import_sheet
from qingfeng.cli.main import cli

REPO = Path(__file__).resolve().parents[1]


def good_row(**over) -> dict:
    """A 苗头 (诫勉谈话, 001 第二十八条(二)): 002 二级 fully (no direct 人财物 power, 机率较高), 000 三级 → 二级, 橙."""
    row = {
        "标题": "村会计一人经手集体资金收付", "日期": "2020-06", "地区或机关": "某县", "单位类型": "村",
        "岗位": "村会计", "事实经过": "村会计一人既管账又管钱，长期未与村务监督委员会对账，造成集体资金收付无人复核。",
        "处置结果": "受到诫勉谈话", "处置类别": "诫勉谈话", "涉及金额（元）": 12000, "来源类型": "网页",
        "来源": "https://www.example.gov.cn/case/1.html", "原始记录编号": "", "是否转载": "否", "种子文档出处": "",
        "风险类别": "业务流程、制度机制", "权力重要程度": "低", "资金关联程度": "中", "自由裁量权": "中",
        "发生可能性": "中", "危害程度": "中", "行使频率": "高", "涉及三重一大": "否", "风险等级": "二级",
        "评级理由": "不掌握审批等重要权力，经手资金收付但无支配权，发生几率较高、后果较为严重，评为二级。",
        "风险点": "村集体资金收付由一人经手，缺少复核", "防控措施编号": "M18-1、M17-3", "预警颜色": "橙",
    }
    row.update(over)
    return row


def xlsx(path: Path, rows: list[dict], headers: list[str] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "案例"
    headers = headers or [c.header for c in COLUMNS]
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    wb.save(path)
    return path


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*"))}


@pytest.fixture
def cases_dir(project: Path) -> Path:
    return project / "risk_case_library" / "cases"


def test_a_good_row_is_added_with_a_new_id(cases_dir, tmp_path):
    report = import_sheet(xlsx(tmp_path / "a.xlsx", [good_row()]), cases_dir)
    assert report.errors == [] and len(report.added) == 1 and report.added[0].startswith("QF-")
    lib = load_library(cases_dir)
    assert lib.problems == []
    assert lib.by_id(report.added[0]).annotation.categories == ["业务流程风险", "制度机制风险"]


def test_what_people_really_type_is_accepted(cases_dir, tmp_path):
    row = good_row(**{
        "风险类别": "業務流程風險，制度机制", "风险等级": "２级", "预警颜色": "",
        "防控措施编号": "ｍ18-1 ， Ｍ１７－３", "涉及金额（元）": "1.2万", "岗位": "  村会计 ", "日期": "2020/06",
    })
    report = import_sheet(xlsx(tmp_path / "a.xlsx", [row]), cases_dir)
    assert report.errors == []
    case = load_library(cases_dir).by_id(report.added[0])
    assert case.title == "村会计一人经手集体资金收付"
    assert case.annotation.level == "二级" and case.annotation.warning == "橙"
    assert case.annotation.prevention_measures == ["M18-1", "M17-3"]
    assert case.amount_yuan == 12000 and case.post == "村会计" and case.date == "2020-06"


def test_blank_level_is_graded_from_the_factors(cases_dir, tmp_path):
    report = import_sheet(xlsx(tmp_path / "a.xlsx", [good_row(风险等级="", 预警颜色="")]), cases_dir)
    assert report.errors == []
    assert load_library(cases_dir).by_id(report.added[0]).annotation.level == "二级"


def test_blank_situation_follows_the_disposal_and_only_a_sign_gets_a_colour(cases_dir, tmp_path):
    """001 第二十八条(四): a 党纪处分 is a violation to refer, not a warning; 第二十八条(二): a 诫勉 at 二级 is 橙."""
    rows = [good_row(标题="甲", 岗位="村会计甲", 预警颜色=""),
            good_row(标题="乙", 岗位="村会计乙", 处置类别="党纪轻处分", 处置结果="受到党内警告处分", 预警颜色="")]
    report = import_sheet(xlsx(tmp_path / "a.xlsx", rows), cases_dir)
    assert report.errors == []
    lib = load_library(cases_dir)
    sign, violation = (lib.by_id(i).annotation for i in report.added)
    assert (sign.situation, sign.warning) == ("苗头预警", "橙")
    assert (violation.situation, violation.warning) == ("违纪违法移送", "")
    assert sign.factors["moral"] == "低"  # blank 思想道德问题 column: 不常表现 (000 §九(三))


def test_other_disposal_needs_a_stated_situation(cases_dir, tmp_path):
    report = import_sheet(xlsx(tmp_path / "a.xlsx", [good_row(处置类别="其他", 预警颜色="")]), cases_dir)
    assert any("没有写情形" in str(e) and "其他" in str(e) for e in report.errors), report.errors


def test_csv_in_gbk_from_chinese_excel(cases_dir, tmp_path):
    path = tmp_path / "a.csv"
    headers = [c.header for c in COLUMNS]
    with path.open("w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerow([good_row().get(h, "") for h in headers])
    report = import_sheet(path, cases_dir)
    assert report.errors == [] and len(report.added) == 1


def test_export_then_import_changes_nothing(cases_dir, tmp_path):
    before = snapshot(cases_dir)
    n = export_library(cases_dir, tmp_path / "out.xlsx")
    report = import_sheet(tmp_path / "out.xlsx", cases_dir)
    assert report.errors == [] and len(report.unchanged) == n and not report.added and not report.updated
    assert snapshot(cases_dir) == before


def test_update_by_id_keeps_values_left_blank(cases_dir, tmp_path):
    case = load_library(cases_dir).by_id("S004-01")
    row = case_to_row(case)
    row["地区或机关"] = None
    row["标题"] = "新标题"
    report = import_sheet(xlsx(tmp_path / "u.xlsx", [row]), cases_dir)
    assert report.updated == ["S004-01"]
    updated = load_library(cases_dir).by_id("S004-01")
    assert updated.title == "新标题" and updated.region == case.region


def test_template_has_chinese_headers_help_and_dropdowns(tmp_path):
    write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    ws = wb["案例"]
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert "必填" in ws["B1"].comment.text
    assert ws.data_validations.dataValidation
    assert "填写说明" in wb.sheetnames


BAD = [
    ("missing required cell", [good_row(岗位="")], "第 2 行，“岗位”列：必填"),
    ("unknown category", [good_row(风险类别="经济风险")], "第 2 行，“风险类别”列：“经济风险”不是五类廉政风险之一"),
    ("unreadable level", [good_row(风险等级="特级")], "第 2 行，“风险等级”列：风险等级“特级”无法识别"),
    ("level contradicts factors", [good_row(风险等级="一级", 预警颜色="")], "第 2 行，“风险等级”列：标注为一级（高），但按所填因素评定应为二级（中）"),
    ("warning contradicts level", [good_row(预警颜色="红")], "第 2 行，“预警颜色”列：二级（中）风险对应橙色预警"),
    ("bad factor", [good_row(危害程度="很严重")], "第 2 行，“危害程度”列：危害程度的取值“很严重”无法识别"),
    ("amount not a number", [good_row(**{"涉及金额（元）": "若干"})], "第 2 行，“涉及金额（元）”列：“若干”不是数字"),
    ("bad url", [good_row(来源="www.example.com/x")], "第 2 行，“来源”列：“www.example.com/x”不是有效网址"),
    ("reprint not marked", [good_row(来源="http://2021my.com/x.htm")], "第 2 行，“是否转载”列：2021my.com 是转载"),
    ("unknown measure", [good_row(防控措施编号="M30-1")], "第 2 行，“防控措施编号”列：未知的防控措施编号“M30-1”"),
    ("facts too short", [good_row(事实经过="收钱了")], "第 2 行，“事实经过”列：事实经过太短"),
    ("bad disposal kind", [good_row(处置类别="罚酒三杯")], "第 2 行，“处置类别”列：“罚酒三杯”不是可用的处置类别"),
    ("bad id", [good_row(编号="qf 12")], "第 2 行，“编号”列：编号“QF 12”格式不对"),
    ("duplicate rows", [good_row(), good_row(标题="重复一行")], "第 3 行，“来源”列：与第 2 行是同一来源、同一岗位，重复"),
    ("seed without passage", [good_row(来源类型="种子文档", 来源="003_d2d200fb7e71c6d9.txt")], "“种子文档出处”列：引用种子文档时要写明出处段落"),
    ("bad date", [good_row(日期="去年")], "第 2 行，“日期”列：日期“去年”格式不对"),
    ("only the third row bad", [good_row(), good_row(岗位="村出纳"), good_row(岗位="村主任", 风险类别="")], "第 4 行，“风险类别”列：必填"),
]


@pytest.mark.parametrize("name,rows,message", BAD, ids=[b[0] for b in BAD])
def test_bad_rows_are_refused_naming_row_and_column_and_nothing_is_written(cases_dir, tmp_path, name, rows, message):
    before = snapshot(cases_dir)
    report = import_sheet(xlsx(tmp_path / "bad.xlsx", rows), cases_dir)
    assert any(message in str(e) for e in report.errors), [str(e) for e in report.errors]
    assert not report.written and snapshot(cases_dir) == before


def test_missing_required_column(cases_dir, tmp_path):
    headers = [c.header for c in COLUMNS if c.header != "风险点"]
    report = import_sheet(xlsx(tmp_path / "b.xlsx", [good_row()], headers), cases_dir)
    assert any("“风险点”列：缺少这一必填列" in str(e) for e in report.errors)


def test_duplicate_of_a_library_case_points_to_its_id(cases_dir, tmp_path):
    row = case_to_row(load_library(cases_dir).by_id("S004-01"))
    row["编号"] = None
    report = import_sheet(xlsx(tmp_path / "d.xlsx", [row]), cases_dir)
    assert any("与已有案例 S004-01 是同一来源、同一岗位" in str(e) for e in report.errors)


@pytest.mark.parametrize("content,suffix,message", [
    (b"PK\x03\x04 this is not really a zip", ".xlsx", "无法作为 Excel 文件打开"),
    (b"\xff\xfe\x00garbage", ".csv", "无法识别文件编码"),
    (b"", ".csv", "第 1 行没有表头"),
    (b"whatever", ".xls", "不支持的文件类型"),
])
def test_unreadable_files(cases_dir, tmp_path, content, suffix, message):
    path = tmp_path / f"f{suffix}"
    path.write_bytes(content)
    report = import_sheet(path, cases_dir)
    assert any(message in str(e) for e in report.errors), [str(e) for e in report.errors]


def test_a_failure_while_writing_restores_the_library(cases_dir, tmp_path, monkeypatch):
    import qingfeng.cases.transaction as tx

    before = snapshot(cases_dir)
    row_update = case_to_row(load_library(cases_dir).by_id("S004-01"))
    row_update["标题"] = "改过的标题"
    calls = {"n": 0}
    real_replace = tx.os.replace

    def flaky_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 1:  # the update's swap, after the new case's file was created
            raise OSError("磁盘已满（模拟）")
        return real_replace(src, dst)

    monkeypatch.setattr(tx.os, "replace", flaky_replace)
    with pytest.raises(OSError):
        import_sheet(xlsx(tmp_path / "x.xlsx", [row_update, good_row()]), cases_dir)
    monkeypatch.setattr(tx.os, "replace", real_replace)
    assert snapshot(cases_dir) == before


def test_a_failure_while_staging_files_leaves_the_library_as_it_was(cases_dir, tmp_path, monkeypatch):
    import qingfeng.cases.transaction as tx

    before = snapshot(cases_dir)
    real_write, calls = tx.os.write, {"n": 0}

    def disk_full(fd, data):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "磁盘已满（模拟）")
        return real_write(fd, data)

    monkeypatch.setattr(tx.os, "write", disk_full)
    rows = [good_row(来源=f"https://www.example.gov.cn/stage/{i}.html") for i in range(9)]
    with pytest.raises(OSError, match="磁盘已满"):
        import_sheet(xlsx(tmp_path / "x.xlsx", rows), cases_dir)
    monkeypatch.setattr(tx.os, "write", real_write)
    after = snapshot(cases_dir)
    assert after == before and calls["n"] == 5
    assert not [p for p in cases_dir.iterdir() if p.name.startswith(".import-")]  # the staging folder is gone


def test_cli_import_exit_codes_and_messages(project, tmp_path):
    runner = CliRunner()
    bad = xlsx(tmp_path / "bad.xlsx", [good_row(风险类别="经济风险")])
    r = runner.invoke(cli, ["--root", str(project), "cases", "import", str(bad)])
    assert r.exit_code == 1 and "案例库未做任何改动" in r.output
    good = xlsx(tmp_path / "good.xlsx", [good_row()])
    r = runner.invoke(cli, ["--root", str(project), "cases", "import", str(good)])
    assert r.exit_code == 0 and "新增 1 个" in r.output
