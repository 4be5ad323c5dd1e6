"""An A/B sitting through the real CLI: build two variants, assign, mark, hand-mark in bulk, export.

The export is checked against the gradebook itself (manual score over auto score per grade row).
"""
from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from qingfeng.cli.main import cli
from qingfeng.demo.simulate import typed_answer, write_submission
from qingfeng.exam.keys import item_labels, read_key
from qingfeng.exam.sitting import read_sitting
from qingfeng.project import find_project

from .exam_course import copy_project

pytestmark = pytest.mark.slow

EXAM = "2026-q4"
PEOPLE = [("c01", "张三", "区交通局"), ("c02", "李四", "区交通局"), ("c03", "王五", "区教育局"), ("c04", "赵六", "区教育局"),
          ("c05", "钱七", "区卫生局"), ("c06", "孙八", "区卫生局"), ("c07", "周九", "区招标办")]


def run(root: Path, *args: str, ok: bool = True):
    r = CliRunner().invoke(cli, ["--root", str(root), *args])
    if ok:
        assert r.exit_code == 0, r.output
    return r


@pytest.fixture(scope="module")
def sitting(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("ab") / "proj")
    # a sitting already held (late submissions need a deadline in the past): --force accepts a past deadline
    out = run(root, "exam", "build", "district-quarterly", "--id", EXAM, "--variants", "2", "--seed", "3",
              "--deadline", "2026-12-01 17:00", "--force").output
    assert "A/B 卷考试 2026-q4" in out and "只按覆盖面" in out
    roster = root / "名单.csv"
    roster.write_text("编号,姓名,单位,部门,岗位\n" + "".join(f"{i},{n},{u},办公室,科员\n" for i, n, u in PEOPLE), encoding="utf-8")
    run(root, "exam", "roster", str(roster))
    out = run(root, "exam", "assign", EXAM).output
    assert "A 卷（2026-q4-a）：4 人" in out and "B 卷（2026-q4-b）：3 人" in out
    project = find_project(root)
    s = read_sitting(project, EXAM)
    from qingfeng.exam import course

    rng = random.Random(7)
    for label, vid in s.variants.items():
        course.generate(project, vid)
        released = json.loads((root / "exams" / "release" / vid / f"{vid}.ipynb").read_text(encoding="utf-8"))
        key = read_key(project.exams_dir, vid)
        for sid in s.candidates(label):
            if sid == "c07":
                continue  # absent
            answers = {k.entry.item_id: typed_answer(k.entry, rng.choice(["right", "wrong", "sloppy"]), rng)
                       for k in key.items if k.entry.type not in ("简答", "论述")}
            essays = {k.entry.item_id: "廉政风险防控要抓住岗位职责和业务流程中的风险点。" for k in key.items if k.entry.type == "简答"}
            stamp = "2026-12-01 08:00:00.000000 UTC" if sid != "c03" else "2026-12-01 09:30:00.000000 UTC"  # due 09:00 UTC: c03 late
            write_submission(released, project.exams_dir, vid, sid, answers, essays, stamp)
    out = run(root, "mark", EXAM).output
    assert "A 卷（2026-q4-a）" in out and "B 卷（2026-q4-b）" in out
    return project, s


def _gradebook_scores(project, exam_id: str) -> dict[str, dict[str, float | None]]:
    con = sqlite3.connect(project.exams_dir / "gradebook.db")
    out: dict[str, dict[str, float | None]] = {}
    for sid, cell, auto, manual in con.execute(
            """SELECT sa.student_id, b.name, g.auto_score, g.manual_score FROM grade g JOIN base_cell b ON b.id = g.cell_id
               JOIN submitted_notebook sn ON sn.id = g.notebook_id JOIN submitted_assignment sa ON sa.id = sn.assignment_id
               JOIN assignment a ON a.id = sa.assignment_id WHERE a.name = ? AND b.type = 'GradeCell'""", (exam_id,)):
        out.setdefault(sid, {})[cell.split("-", 1)[1]] = manual if manual is not None else auto
    con.close()
    return out


def test_variants_are_disjoint_where_the_bank_allows_and_built_as_two_assignments(sitting):
    project, s = sitting
    a, b = (read_key(project.exams_dir, vid) for vid in s.variants.values())
    shared = {k.entry.item_id for k in a.items} & {k.entry.item_id for k in b.items}
    assert shared == {i for ids in s.overlap.values() for i in ids}
    assert a.total == b.total == 100
    assert [k.entry.type for k in a.items] == [k.entry.type for k in b.items]


def test_bulk_hand_marks_from_a_table_by_label_go_to_each_candidates_variant(sitting, tmp_path):
    project, s = sitting
    sheet = tmp_path / "评分.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编号", "简答1", "简答2", "简答1评语"])
    for sid in ("c01", "c02", "c03", "c04", "c05", "c06"):
        ws.append([sid, 4, 3.5, "要点基本齐全"])
    wb.save(sheet)
    out = run(project.root, "exam", "grade", EXAM, "--file", str(sheet)).output
    assert "已记录 12 个得分" in out
    for label, vid in s.variants.items():
        key = read_key(project.exams_dir, vid)
        jd1 = next(i for i, lab in item_labels(key).items() if lab == "简答1")
        marks = _gradebook_scores(project, vid)
        assert all(marks[sid][jd1] == 4 for sid in s.candidates(label) if sid in marks)


def test_bad_mark_table_writes_nothing_and_names_row_and_column(sitting, tmp_path):
    project, s = sitting
    before = _gradebook_scores(project, "2026-q4-a")
    sheet = tmp_path / "坏.csv"
    sheet.write_text("编号,简答1,简答2\nc01,5,2\nc02,9,1\nzz9,1,1\n", encoding="utf-8")
    r = run(project.root, "exam", "grade", EXAM, "--file", str(sheet), ok=False)
    assert r.exit_code != 0 and "没有记录任何得分" in r.output
    assert "第 3 行，“简答1”列：得分 9 超出范围（0～5）" in r.output
    assert "第 4 行" in r.output and "没有考生“zz9”" in r.output
    assert _gradebook_scores(project, "2026-q4-a") == before


def test_many_marks_on_the_command_line_in_one_call(sitting):
    project, s = sitting
    a = s.candidates("A")[:2]
    out = run(project.root, "exam", "grade", EXAM, a[0], "简答2", "5", a[1], "简答2", "1", "--comment", "好").output
    assert "已记录 2 个得分" in out
    key = read_key(project.exams_dir, s.variants["A"])
    jd2 = next(i for i, lab in item_labels(key).items() if lab == "简答2")
    marks = _gradebook_scores(project, s.variants["A"])
    assert marks[a[0]][jd2] == 5 and marks[a[1]][jd2] == 1


def test_export_has_every_candidate_with_totals_equal_to_the_gradebook(sitting, tmp_path):
    project, s = sitting
    path = tmp_path / "成绩.xlsx"
    out = run(project.root, "exam", "export", EXAM, str(path)).output
    assert "已导出 7 名考生" in out
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["成绩", "题目对照"] and {"区交通局", "区教育局", "区卫生局", "区招标办"} <= set(wb.sheetnames)
    ws = wb["成绩"]
    heads = [c.value for c in ws[1]]
    assert heads[:7] == ["编号", "姓名", "单位", "部门", "岗位", "变体", "总分"]
    assert heads[7:12] == ["一、单项选择题", "二、多项选择题", "三、判断题", "四、填空题", "五、简答题"]
    assert heads[-3:] == ["待评题数", "是否迟交", "缺考"] and "选择1" in heads and "简答2" in heads and len(heads) == 7 + 5 + 60 + 3
    rows = {r[0]: dict(zip(heads, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {p[0] for p in PEOPLE}
    assert rows["c07"]["缺考"] == "是" and rows["c07"]["总分"] is None
    assert rows["c03"]["是否迟交"] == "是" and rows["c01"]["是否迟交"] == "否"
    for label, vid in s.variants.items():
        key = read_key(project.exams_dir, vid)
        labels = item_labels(key)
        for sid, marks in _gradebook_scores(project, vid).items():
            row = rows[sid]
            assert row["变体"] == label and row["姓名"] == dict((p[0], p[1]) for p in PEOPLE)[sid]
            assert row["总分"] == pytest.approx(sum(v for v in marks.values() if v is not None))
            for iid, lab in labels.items():
                assert row[lab] == (None if marks[iid] is None else pytest.approx(marks[iid]))
            assert sum(row[h] or 0 for h in heads[7:12]) == pytest.approx(row["总分"])
    csv_path = tmp_path / "成绩.csv"
    run(project.root, "exam", "export", EXAM, str(csv_path))
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_assign_from_a_roster_column_all_or_nothing(sitting, tmp_path):
    project, s = sitting
    before = read_sitting(project, EXAM).assignment
    bad = tmp_path / "分卷.csv"
    bad.write_text("编号,试卷\nc01,B\nc02,C\n", encoding="utf-8")
    r = run(project.root, "exam", "assign", EXAM, str(bad), ok=False)
    assert "第 3 行，“试卷”列：“C”不是本场考试的变体，应为 A、B" in r.output
    assert read_sitting(project, EXAM).assignment == before


def test_statistics_per_variant_and_combined_with_the_candidate_table(sitting, tmp_path):
    project, s = sitting
    out = tmp_path / "统计"
    printed = run(project.root, "stats", EXAM, "--out", str(out)).output
    assert "A/B 卷考试 2026-q4（2 份变体，合并统计）" in printed and "少于 30 人" in printed
    wb = openpyxl.load_workbook(out / f"{EXAM}-统计.xlsx")
    assert wb.sheetnames == ["说明", "总体", "按变体", "分数分布", "按单位", "按部门", "按岗位", "按题目", "按风险类别",
                             "单位×风险类别", "考生成绩"]
    summary = {r[0]: r[1] for r in wb["总体"].iter_rows(min_row=2, values_only=True)}
    assert summary["应考人数（名单）"] == 7 and summary["实考人数"] == 6 and summary["缺考人数"] == 1
    variants = [r for r in wb["按变体"].iter_rows(min_row=2, values_only=True)]
    assert [v[0] for v in variants] == ["A 卷", "B 卷"] and [v[2] for v in variants] == [3, 3]
    heads = [c.value for c in wb["按题目"][1]]
    rows = list(wb["按题目"].iter_rows(min_row=2, values_only=True))
    assert heads[:3] == ["变体", "题号", "题目编号"] and len(rows) == 120
    by_variant = {v: {r[2] for r in rows if r[0] == v} for v in ("A 卷", "B 卷")}
    shared = {i for ids in s.overlap.values() for i in ids}
    assert by_variant["A 卷"] & by_variant["B 卷"] == shared  # compared across variants by bank id
    people = list(wb["考生成绩"].iter_rows(min_row=2, values_only=True))
    assert len(people) == 7 and [c.value for c in wb["考生成绩"][1]][:7] == ["编号", "姓名", "单位", "部门", "岗位", "变体", "总分"]
    for label in ("A", "B"):
        assert (out / f"{label}卷" / f"{EXAM}-{label.lower()}-统计.xlsx").is_file()


def test_paper_entry_tables_one_per_variant(sitting, tmp_path):
    project, s = sitting
    out = run(project.root, "exam", "sheet-template", EXAM, str(tmp_path / "答题卡.xlsx")).output
    assert "qingfeng mark 2026-q4-a --sheets 答题卡-A.xlsx" in out
    from qingfeng.exam.answer_sheets import sheet_columns

    for label, vid in s.variants.items():
        heads = [c.value for c in openpyxl.load_workbook(tmp_path / f"答题卡-{label}.xlsx").active[1]]
        assert heads == ["编号", "姓名"] + [c.header for c in sheet_columns(read_key(project.exams_dir, vid))]
