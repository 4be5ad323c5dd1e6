"""Hostile input on the marking path, end to end through the real CLIs on a course copy.

Paper sheet vs online submission, essays with script, merged/formula/full-width
answer sheets, roster names as typed, statistics straight after marking.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from qingfeng.cli.main import cli
from qingfeng.demo.simulate import write_submission
from qingfeng.exam import course
from qingfeng.exam.answer_sheets import mark_sheets, sheet_columns
from qingfeng.exam.keys import read_key
from qingfeng.exam.roster import import_roster, load_roster
from qingfeng.project import find_project

from .exam_course import copy_project
from .test_answer_sheets import PERFECT
from .test_hostile_input import _live_attr

pytestmark = pytest.mark.slow
EXAM = "yumin-sample"
ROSTER = "编号,姓名,单位,部门\nn01,張乾,交通局,於潜所\nn02,於一鸣,交通局,\np01,乾隆,教育局,\np02,周二,教育局,\n"
ESSAY = ("我的答案：\n\n1. **岗位职责**不清\n2. 审批一人说了算\n\n<script>alert(document.cookie)</script>"
         "<img src=x onerror=\"alert(1)\"> [点此](javascript:alert(2)) <iframe src=\"http://evil.example/\"></iframe>")


def run(project, *args) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--root", str(project.root), *args])
    return r.exit_code, r.output


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("hostile") / "proj")
    project = find_project(root)
    course.build_exam(project, EXAM, EXAM)
    course.generate(project, EXAM)
    (root / "名单.csv").write_text(ROSTER, encoding="utf-8")
    assert import_roster(project, root / "名单.csv")[1] == []
    released = json.loads((project.exams_dir / "release" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))
    key = read_key(project.exams_dir, EXAM)
    essays = {k.entry.item_id: ESSAY for k in key.items if k.entry.type in ("简答", "论述")}
    objective = {k.entry.item_id: f'作答 = "{_right(k.entry)}"' for k in key.items if k.entry.type in ("单选", "判断")}
    for s in ("n01", "n02"):
        write_submission(released, project.exams_dir, EXAM, s, objective, essays)
    code, out = run(project, "mark", EXAM)
    assert code == 0, out
    return project


def _right(e) -> str:
    return "".join(e.key)  # letters for 单选, 对/错 for 判断


def online_score(project, student: str) -> float:
    con = sqlite3.connect(project.exams_dir / "gradebook.db")
    rows = con.execute("""SELECT COALESCE(g.manual_score, g.auto_score, 0) FROM grade g JOIN submitted_notebook sn ON sn.id = g.notebook_id
                          JOIN submitted_assignment sa ON sa.id = sn.assignment_id WHERE sa.student_id = ?""", (student,)).fetchall()
    con.close()
    return sum(r[0] for r in rows)


def sheet(project, path: Path, rows: list[dict], heads: list[str] | None = None) -> Path:
    heads = heads or ["编号", "姓名"] + [c.header for c in sheet_columns(read_key(project.exams_dir, EXAM))]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "答题卡"
    ws.append(heads)
    for r in rows:
        ws.append([r.get(h) for h in heads])
    wb.save(path)
    return path


def test_roster_names_and_units_are_stored_as_typed_in_roster_csv_and_gradebook(proj):
    by_id = {c.id: c for c in load_roster(proj)}
    assert by_id["n01"].name == "張乾" and by_id["n01"].department == "於潜所" and by_id["n02"].name == "於一鸣"
    assert by_id["p01"].name == "乾隆"
    with course.open_gradebook(proj) as gb:
        assert gb.find_student("n01").last_name == "張乾" and gb.find_student("n02").last_name == "於一鸣"


def test_essay_script_never_reaches_formgrader_html_of_the_autograded_notebook(proj):
    nb = json.loads((proj.exams_dir / "autograded" / "n01" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))
    answers = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id", "").startswith("answer-YM-JD")]
    assert answers
    from nbconvert.exporters import HTMLExporter
    from traitlets.config import Config

    import nbgrader.server_extensions.formgrader.handlers as handlers

    c = Config()
    c.HTMLExporter.template_name = "formgrade"
    c.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    import nbformat

    node = nbformat.read(proj.exams_dir / "autograded" / "n01" / EXAM / f"{EXAM}.ipynb", as_version=4)
    body, _ = HTMLExporter(config=c).from_notebook_node(node, resources={
        "assignment_id": EXAM, "notebook_id": EXAM, "submission_id": "x", "index": 0, "total": 1, "base_url": "",
        "student": "n01", "last_name": "張乾", "first_name": "", "notebook_path": "x"})  # as formgrader's SubmissionHandler
    low = body.lower()
    essay = low[low.find("我的答案"):]
    assert "我的答案" in body and "<strong>岗位职责</strong>" in body
    assert "<script>alert(document.cookie)" not in essay and "<img src=x" not in essay and "<iframe" not in essay
    assert not any(_live_attr(essay, a) for a in ("javascript:", "onerror", "onload", "onclick"))
    assert "&lt;script&gt;" in essay  # the examiner sees what was typed, as text


def test_feedback_of_a_hostile_essay_is_sanitised(proj):
    course.generate_feedback(proj, EXAM)  # nbgrader generate_feedback with the course's preprocessors
    html = (proj.exams_dir / "feedback" / "n01" / EXAM / f"{EXAM}.html").read_text(encoding="utf-8")
    essay = html[html.find("我的答案"):].lower()
    assert "我的答案" in html and "<script>alert(document.cookie)" not in essay and "<iframe" not in essay
    assert not any(_live_attr(essay, a) for a in ("javascript:", "onerror", "onload", "onclick"))


def test_stats_right_after_mark_before_essays_are_hand_marked_works_and_says_what_is_pending(proj, tmp_path):
    code, out = run(proj, "stats", EXAM, "--out", str(tmp_path / "统计"))
    assert code == 0, out
    assert "待人工评分：2 名考生的 16 道题" in out and "目前还没有全部评完的考生" in out
    assert (tmp_path / "统计" / f"{EXAM}-统计.xlsx").is_file()


def test_sheet_row_for_a_candidate_who_submitted_online_is_refused_until_the_examiner_chooses(proj, tmp_path):
    before = online_score(proj, "n01")
    assert before > 0
    path = sheet(proj, tmp_path / "s.xlsx", [{"编号": "p01", **PERFECT}, {"编号": "N01"}])  # an empty paper for n01
    code, out = run(proj, "mark", EXAM, "--sheets", str(path))
    assert code != 0
    assert "1 名考生既有在线提交又有答题卡记录：n01（第 3 行）" in out and "--prefer sheet" in out
    assert online_score(proj, "n01") == before  # nothing was written, not even p01

    code, out = run(proj, "mark", EXAM, "--sheets", str(path), "--prefer", "online")
    assert code == 0, out
    assert "考生 n01 既有在线提交又有答题卡记录：以在线提交为准" in out
    assert online_score(proj, "n01") == before and online_score(proj, "p01") == 39


def test_prefer_sheet_is_recorded_and_a_later_plain_mark_does_not_flip_it_back(proj, tmp_path):
    path = sheet(proj, tmp_path / "s.xlsx", [{"编号": "n02", **{k: v for k, v in PERFECT.items() if k.startswith("判断")}}])
    code, out = run(proj, "mark", EXAM, "--sheets", str(path), "--prefer", "sheet")
    assert code == 0, out
    assert "考生 n02 既有在线提交又有答题卡记录：以纸质答卷为准" in out
    paper = online_score(proj, "n02")
    assert paper == 10  # 判断 only, 1 point each
    code, out = run(proj, "mark", EXAM)
    assert code == 0, out
    assert "按纸质答卷记分、未按在线提交重新评分的考生 1 名" in out and "n02" in out
    assert online_score(proj, "n02") == paper  # not flipped back to the online paper
    code, out = run(proj, "mark", EXAM, "--sheets", str(path))  # the recorded choice is honoured without --prefer
    assert code == 0, out
    assert online_score(proj, "n02") == paper


def test_full_width_headers_merged_and_formula_cells_in_an_answer_sheet(proj, tmp_path):
    heads = ["编号", "姓名"] + [c.header for c in sheet_columns(read_key(proj.exams_dir, EXAM))]
    wide = [h.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789-"}) for h in heads]
    path = sheet(proj, tmp_path / "w.xlsx", [{"编号": "ｐ０２", "选择３": "Ｄ"}], wide)
    report, errors = mark_sheets(proj, EXAM, path)
    assert errors == [] and report.marked == ["p02"]

    path = sheet(proj, tmp_path / "m.xlsx", [{"编号": "p02", "选择1": "A"}, {"编号": "p01", "选择1": "=\"A\""}])
    wb = openpyxl.load_workbook(path)
    ws = wb["答题卡"]
    ws.merge_cells("C2:C3")
    wb.save(path)
    _, errors = mark_sheets(proj, EXAM, path)
    msgs = [str(e) for e in errors]
    assert any(m.startswith("第 2 行，“填空1-1”列：合并单元格 C2:C3") for m in msgs), msgs
    col = openpyxl.utils.get_column_letter(heads.index("选择1") + 1)
    assert any(m.startswith(f"第 3 行，“选择1”列：单元格 {col}3 是公式") for m in msgs), msgs


def test_large_writes_are_sent_in_batches_yet_stay_all_or_nothing(proj, monkeypatch):
    from qingfeng.exam import gradebook_writer as gw

    db = proj.exams_dir / "gradebook.db"
    before = db.read_bytes()
    monkeypatch.setattr(gw, "_BATCH", 5)  # flush after every submission
    cmap = gw.load_cell_map(db, EXAM, EXAM)
    marked = [gw.MarkedSubmission(s, None, {name: 0.0 for name in cmap.grade_cells}, {}) for s in ("p02", "n01", "p01")]
    with pytest.raises(RuntimeError, match="注入的写入失败"):
        gw.write_marks(db, cmap, marked, fail_after=2)
    assert db.read_bytes() == before
