"""Paper answer sheets: template, validation naming row and column, marking with the same engine."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from qingfeng.exam import course
from qingfeng.exam.answer_sheets import mark_sheets, sheet_columns, write_sheet_template
from qingfeng.exam.keys import read_key
from qingfeng.exam.kept_answers import iter_answers
from qingfeng.exam.paper_notebooks import make_notebooks
from qingfeng.exam.roster import import_roster
from qingfeng.project import find_project

from .exam_course import copy_project
from .gradebooks import fingerprint

pytestmark = pytest.mark.slow
EXAM = "yumin-sample"
ROSTER = "编号,姓名,单位\np01,周一,交通局\np02,吴二,交通局\np03,郑三,教育局\n"
PERFECT = {  # by sheet header, as a transcriber would type from a perfect paper
    **{f"填空1-{i}": v for i, v in enumerate(["人员伤亡", "财产损失", "经济损失"], 1)},
    **{f"填空2-{i}": v for i, v in enumerate(["风险因素", "风险事故", "损失"], 1)},
    **{f"填空3-{i}": v for i, v in enumerate(["肯定有风险", "量度", "评估", "应变策略"], 1)},
    **{f"填空4-{i}": v for i, v in enumerate(["计划", "执行", "检查", "处理"], 1)},
    **{f"填空5-{i}": v for i, v in enumerate(["公共权力", "教育", "制度", "监督", "党员干部"], 1)},
    **{f"填空6-{i}": v for i, v in enumerate(["公共权力", "岗位", "岗位", "滥用权力", "失职", "渎职"], 1)},
    **{f"填空7-{i}": v for i, v in enumerate(["客观性", "潜在性", "可控性"], 1)},
    **{f"填空8-{i}": v for i, v in enumerate(["思想道德", "岗位职责", "业务流程", "制度机制", "外部环境"], 1)},
    **{f"填空9-{i}": v for i, v in enumerate(["警示提醒", "诫勉纠错", "责令整改", "违纪违法"], 1)},
    **dict(zip([f"选择{i}" for i in range(1, 10)], "AADBBCABC")),
    **{f"判断{i}": ("×" if i == 7 else "√") for i in range(1, 11)},
}


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory, gradebook_backend):
    root = copy_project(tmp_path_factory.mktemp(f"sheets-{gradebook_backend}") / "proj", gradebook_backend)
    project = find_project(root)
    course.build_exam(project, EXAM, EXAM)
    course.generate(project, EXAM)
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert import_roster(project, root / "roster.csv")[1] == []
    return project


def sheet(path: Path, rows: list[dict], headers: list[str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "答题卡"
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    wb.save(path)
    return path


def headers(project) -> list[str]:
    return ["编号", "姓名"] + [c.header for c in sheet_columns(read_key(project.exams_dir, EXAM))]


def db_hash(project) -> str:
    return fingerprint(project)


def test_template_lists_every_answer_slot_in_paper_order(course_dir, tmp_path):
    write_sheet_template(read_key(course_dir.exams_dir, EXAM), tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["答题卡"]
    heads = [c.value for c in ws[1]]
    assert heads[:5] == ["编号", "姓名", "填空1-1", "填空1-2", "填空1-3"]
    assert "选择9" in heads and "判断10" in heads and "简答6（满分5）" in heads and "论述2（满分21）" in heads
    assert len(heads) == 2 + 37 + 9 + 10 + 8


def test_paper_candidates_are_marked_and_recorded(course_dir, tmp_path):
    rows = [
        {"编号": "p01", **PERFECT, "简答1（满分5）": 4, "论述2（满分21）": 15},
        {"编号": "p02", **{k: v for k, v in PERFECT.items() if k.startswith("选择")}, "选择2": "b", "判断7": "对"},
        {"编号": "p03", "填空8-1": "業務流程", "填空8-2": "思想道德", "选择9": "ｃ"},
    ]
    report, errors = mark_sheets(course_dir, EXAM, sheet(tmp_path / "s.xlsx", rows, headers(course_dir)))
    assert errors == []
    # hand-worked: p01 39 objective + 4 + 15; p02 选择 all right but 第2题 → 10 - 1 = 9; p03 two blanks (0.5 each) + 选择9
    # (printed 9th = bank 选择 10, now 1 分: the missing 选择 6's point moved to 选择 3, see yumin_sample.yaml) → 2
    assert report.total_points == {"p01": 58.0, "p02": 9.0, "p03": 2.0}
    with course.open_gradebook(course_dir) as gb:
        assert gb.find_submission(EXAM, "p01").score == pytest.approx(58.0)
        g = gb.find_grade("answer-YM-JD-01", EXAM, EXAM, "p01")
        assert g.manual_score == 4 and not g.needs_manual_grade
    # the import keeps the answers, not one notebook per candidate; Formgrader's notebook is made on request
    graded = course_dir.exams_dir / "autograded" / "p03" / EXAM / f"{EXAM}.ipynb"
    assert not graded.exists()
    assert sorted(make_notebooks(course_dir, EXAM)) == ["p01", "p02", "p03"]
    nb = json.loads(graded.read_text(encoding="utf-8"))
    answer = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "answer-YM-XZ-10")
    assert answer["source"] == '作答 = "ｃ"' or answer["source"] == '作答 = "c"', answer["source"]
    shown = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id", "").startswith("test-")]
    assert sum(float(c["outputs"][0]["data"]["text/plain"]) for c in shown if c["outputs"]) == pytest.approx(2.0)
    assert make_notebooks(course_dir, EXAM) == []  # every paper candidate has one now
    assert make_notebooks(course_dir, EXAM, ["P01"]) == ["p01"]  # remade on request, 编号 case-insensitively


def test_statistics_read_paper_answers_with_or_without_their_notebooks(course_dir, tmp_path):
    import shutil

    from qingfeng.stats.data import load_gradebook

    rows = [{"编号": "p01", **PERFECT}, {"编号": "p02", "选择2": "b"}]
    assert mark_sheets(course_dir, EXAM, sheet(tmp_path / "s2.xlsx", rows, headers(course_dir)))[1] == []
    kept = list(iter_answers(course_dir, EXAM))  # this sheet's p01 and p02 replace the first sheet's; its p03 stays
    assert sorted(s for s, _ in kept) == ["p01", "p02", "p03"] and dict(kept)["p02"]["YM-XZ-02"] == "b"
    assert "YM-XZ-01" not in dict(kept)["p02"] and "思想道德" in dict(kept)["p03"]["YM-TK-08"]
    shutil.rmtree(course_dir.exams_dir / "autograded", ignore_errors=True)
    without = load_gradebook(course_dir, EXAM).responses
    make_notebooks(course_dir, EXAM)
    with_notebooks = load_gradebook(course_dir, EXAM).responses
    assert without.loc["p02"].to_dict() == with_notebooks.loc["p02"].to_dict()
    assert without.equals(with_notebooks)
    assert without.loc["p02", "YM-XZ-02"] == "B" and without.loc["p01", "YM-XZ-01"] == "A"


def test_exam_notebooks_command_makes_them_for_formgrader(course_dir, tmp_path):
    from click.testing import CliRunner

    from qingfeng.cli.main import cli

    rows = [{"编号": "p01", **PERFECT}, {"编号": "p03", "选择1": "B"}]
    assert mark_sheets(course_dir, EXAM, sheet(tmp_path / "s3.xlsx", rows, headers(course_dir)))[1] == []
    graded = course_dir.exams_dir / "autograded" / "p03" / EXAM / f"{EXAM}.ipynb"
    assert not graded.exists()  # the new sheet's answers replace the notebook made from the old one
    r = CliRunner().invoke(cli, ["--root", str(course_dir.root), "exam", "notebooks", EXAM, "p03", "p99"])
    assert r.exit_code == 0, r.output
    assert "已为 1 名纸质答卷考生生成评分后笔记本" in r.output and "p99" in r.output and graded.is_file()
    cells = json.loads(graded.read_text(encoding="utf-8"))["cells"]
    assert any(c["source"] == '作答 = "B"' for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == "answer-YM-XZ-01")
    r = CliRunner().invoke(cli, ["--root", str(course_dir.root), "exam", "notebooks", EXAM])
    assert r.exit_code == 0 and "已为" in r.output  # p01's (removed by the re-import) is made again


def _bad(project, tmp_path, rows, heads=None, name="b.xlsx"):
    before = db_hash(project)
    report, errors = mark_sheets(project, EXAM, sheet(tmp_path / name, rows, heads or headers(project)))
    assert db_hash(project) == before and report.marked == []
    return [str(e) for e in errors]


@pytest.mark.parametrize("rows,message", [
    ([{"编号": "", "选择1": "A"}], "第 2 行，“编号”列：不能为空"),
    ([{"编号": "p99"}], "第 2 行，“编号”列：“p99”不在考生名单中"),
    ([{"编号": "p01"}, {"编号": "p01"}], "第 3 行，“编号”列：与第 2 行重复"),
    ([{"编号": "p01", "选择3": "Z"}], "第 2 行，“选择3”列：“Z”不是本题的选项"),
    ([{"编号": "p01", "选择3": "AB"}], "第 2 行，“选择3”列：单选题只能有一个选项"),
    ([{"编号": "p01", "判断4": "也许"}], "第 2 行，“判断4”列：“也许”不是判断"),
    ([{"编号": "p01", "简答2（满分5）": "五分"}], "第 2 行，“简答2（满分5）”列：“五分”不是数字得分"),
    ([{"编号": "p01", "论述1（满分10）": 12}], "第 2 行，“论述1（满分10）”列：得分 12 超出范围（0～10）"),
    ([{"编号": "p01"}, {"编号": "p02", "选择1": "E"}], "第 3 行，“选择1”列：“E”不是本题的选项"),
])
def test_bad_rows_name_row_and_column_and_record_nothing(course_dir, tmp_path, rows, message):
    assert any(message in e for e in _bad(course_dir, tmp_path, rows)), message


def test_missing_columns(course_dir, tmp_path):
    heads = [h for h in headers(course_dir) if h not in ("编号", "选择3")]
    errors = _bad(course_dir, tmp_path, [{"选择1": "A"}], heads)
    assert any("“编号”列：缺少这一列" in e for e in errors) and any("“选择3”列：缺少这一列" in e for e in errors)


@pytest.mark.parametrize("content,suffix,message", [(b"PK\x03\x04broken", ".xlsx", "无法作为 Excel 文件打开"), (b"x", ".xls", "不支持的文件类型")])
def test_unreadable_files(course_dir, tmp_path, content, suffix, message):
    path = tmp_path / f"f{suffix}"
    path.write_bytes(content)
    _, errors = mark_sheets(course_dir, EXAM, path)
    assert any(message in str(e) for e in errors)


@pytest.mark.parametrize("in_child", [False, True])
def test_a_sheet_damaged_part_way_records_nothing_and_leaves_no_backup(course_dir, tmp_path, monkeypatch, in_child):
    from qingfeng.spreadsheet import forked_rows

    if in_child:  # as a 50,000-row sheet is read
        monkeypatch.setattr(forked_rows, "FORK_FROM_BYTES", 0)
    whole = sheet(tmp_path / "whole.xlsx", [dict(PERFECT, 编号=p) for p in ("p01", "p02", "p03")], headers(course_dir))
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(cut, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b"</row>", data.index(b'<row r="3"')) + 6]  # rows 1-3 whole, then the file ends
            dst.writestr(item, data)
    from qingfeng.exam.gradebook_db import backups, locate

    before, kept = db_hash(course_dir), backups(locate(course_dir))
    report, errors = mark_sheets(course_dir, EXAM, cut)
    assert [str(e) for e in errors] == ["cut.xlsx：文件已损坏，读到第 3 行之后无法继续（ValueError）。请在 Excel 或 WPS 中打开、另存为 .xlsx 后再试"]
    assert report.marked == [] and db_hash(course_dir) == before
    assert backups(locate(course_dir)) == kept


def test_paper_candidates_comment_rows_are_made_with_their_notebook_or_a_markers_comment(tmp_path, gradebook_backend):
    """A sheet's comment rows are empty, so the import leaves them out (half its rows); they appear,
    empty, as nbgrader makes them, with the candidate's notebook or with a marker's comment."""
    from qingfeng.exam.comment_rows import comment_cells, ensure_comment_rows
    from qingfeng.exam.gradebook_db import connect, driver_query, locate
    from qingfeng.exam.manual_marks import Mark, record_marks

    project = find_project(copy_project(tmp_path / "proj", gradebook_backend))
    course.build_exam(project, EXAM, EXAM)
    course.generate(project, EXAM)
    (project.root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert import_roster(project, project.root / "roster.csv")[1] == []
    rows = [{"编号": "p01", **PERFECT}, {"编号": "p02", "选择2": "B"}, {"编号": "p03", "简答1（满分5）": 3}]
    assert mark_sheets(project, EXAM, sheet(tmp_path / "s.xlsx", rows, headers(project)))[1] == []

    def comments(student):
        with course.open_gradebook(project) as gb:
            nb = gb.find_submission_notebook(EXAM, EXAM, student)
            return {c.name: (c.auto_comment, c.manual_comment) for c in nb.comments}, len(nb.grades)

    with connect(locate(project), readonly=True) as con:
        names = {name for _, name in comment_cells(con, EXAM)}
    assert len(names) == 44  # the sample paper's 36 solution cells and 8 task cells
    assert comments("p01") == ({}, 44) and comments("p02") == ({}, 44)  # every grade row, no comment row yet

    assert record_marks(project, EXAM, [Mark("p02", "简答1", 4, "要点齐全", 2, "简答1")]) == (1, [])
    got, _ = comments("p02")
    assert set(got) == names and got["answer-YM-JD-01"] == (None, "要点齐全")
    assert all(v == (None, None) for k, v in got.items() if k != "answer-YM-JD-01")
    course.set_manual_grade(project, EXAM, "p03", "YM-JD-01", 2, "只答出一点")
    assert comments("p03")[0]["answer-YM-JD-01"] == (None, "只答出一点")
    assert comments("p01") == ({}, 44)

    assert make_notebooks(project, EXAM, ["p01"]) == ["p01"]
    got, _ = comments("p01")
    assert set(got) == names and set(got.values()) == {(None, None)}
    assert comments("p02")[0]["answer-YM-JD-01"] == (None, "要点齐全")  # made rows never touch existing ones
    with connect(locate(project)) as con, con.begin():
        assert ensure_comment_rows(con, EXAM) == 0  # every candidate has them now
        assert driver_query(con, "SELECT count(*) FROM comment").fetchone()[0] == 3 * 44


def _messy(rng, column, key):
    """A cell as a transcriber might type it: right, wrong, blank, full-width, traditional, a number, a bool."""
    e = key.item(column.item_id).entry
    if column.kind in ("简答", "论述"):
        return rng.choice([None, 0, int(column.max_points), column.max_points / 2, "1.5", f"{int(column.max_points)} "])
    if column.kind == "判断":
        return rng.choice(["√", "×", "对", "错", " 对", None, ""])
    if column.kind in ("单选", "多选"):
        letters = [k for k, _ in e.options]
        picked = rng.choice(letters) if column.kind == "单选" else "".join(sorted(rng.sample(letters, 2)))
        return rng.choice([picked, picked.lower(), chr(ord(picked[0]) + 0xFEE0), None])
    right = e.blanks[column.blank - 1][0][0]
    return rng.choice([right, right + " ", "業務流程", "不知道", None, "", 1, True, 1.0, 0, False])


def test_rows_are_marked_as_their_kept_answers_would_be(course_dir, tmp_path):
    """Each sheet row's marks (read once per distinct answer, .sheet_items) equal what the notebook path
    computes from the kept answers (paper_marks, used for Formgrader and feedback), cell by cell: messy
    cells, True next to 1 in one column, and a 填空 item whose blank columns are not side by side."""
    import random

    from qingfeng.exam.paper_notebooks import PaperScorer, paper_marks

    key = read_key(course_dir.exams_dir, EXAM)
    columns = sheet_columns(key)
    heads = headers(course_dir)
    a, b = heads.index("填空3-2"), heads.index("填空3-4")
    heads[a], heads[b] = heads[b], heads[a]  # item 3's blanks read from columns 3-1, 3-4, 3-3, 3-2
    rng = random.Random(2026)
    scorer = PaperScorer(key)
    for round_ in range(6):
        rows = [{"编号": s, **{c.header: _messy(rng, c, key) for c in columns}} for s in ("p01", "p02", "p03")]
        if round_ == 0:  # equal as dictionary keys, not as cells
            for row, first in zip(rows, (True, 1, "1")):
                row.update({"填空1-1": first, "填空1-2": "财产损失", "填空1-3": None})
        report, errors = mark_sheets(course_dir, EXAM, sheet(tmp_path / f"m{round_}.xlsx", rows, heads))
        assert errors == []
        kept = dict(iter_answers(course_dir, EXAM))
        if round_ == 0:
            assert [kept[s]["YM-TK-01"][0] for s in ("p01", "p02", "p03")] == ["True", "1", "1"]
        with course.open_gradebook(course_dir) as gb:
            for student in ("p01", "p02", "p03"):
                scores, auto, manual, _cells = paper_marks(scorer, kept[student], with_cells=False)
                assert report.total_points[student] == sum(s.points for s in scores.values()) + sum(manual.values())
                for cell, points in auto.items():
                    if round_ and cell.startswith("answer-"):
                        continue  # an essay left blank on a later sheet leaves the score an earlier one gave
                    g = gb.find_grade(cell, EXAM, EXAM, student)
                    assert g.auto_score == pytest.approx(points) and g.manual_score is None, (student, cell)
                for cell, points in manual.items():
                    assert gb.find_grade(cell, EXAM, EXAM, student).manual_score == pytest.approx(points), (student, cell)


def test_true_and_1_in_one_score_column_are_read_apart(course_dir, tmp_path):
    """A score column's 1 is a score; TRUE (an Excel boolean) is not, even after a 1 was read (True == 1 as a key)."""
    rows = [{"编号": "p01", "简答1（满分5）": 1}, {"编号": "p02", "简答1（满分5）": True}]
    errors = _bad(course_dir, tmp_path, rows)
    assert any("第 3 行，“简答1（满分5）”列：“True”不是数字得分" in e for e in errors), errors
