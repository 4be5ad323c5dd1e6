"""What people really type into an answer cell, read without running it (issue: nothing typed is silently lost).

Each slip below is scored against the sample paper's real key; the expected
points are worked out by hand from exams/bank/yumin_sample.yaml.  A slip
that still cannot be read expects a reason instead, and must appear in the
examiner's report that ``qingfeng mark`` writes.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qingfeng.bank import load_bank
from qingfeng.cases import load_library
from qingfeng.cli.main import cli
from qingfeng.exam import course
from qingfeng.exam.answer_check import check_cell
from qingfeng.exam.answers import read_answer
from qingfeng.exam.blueprint import load_blueprint
from qingfeng.exam.notebook import answer_spec, answer_template
from qingfeng.exam.paper import build_paper
from qingfeng.exam.scoring import score
from qingfeng.exam.unreadable import REASONS, find_unreadable, report_path
from qingfeng.project import find_project

from .exam_course import REPO, copy_project

EXAM = "yumin-sample"
PD = '作答 = ""  # 在引号中填写 对 或 错'
XZ = '作答 = ""  # 在引号中填写一个选项字母，如 "B"'
TK4 = '作答 = ["", "", "", ""]  # 按顺序在每对引号中填写第 1～4 空'

# (item, what is in the cell, points by hand — or the reason it must be reported)
SLIPS = [
    # 判断: 对 is the key of YM-PD-01, 错 of YM-PD-07 (1 point each)
    ("YM-PD-01", PD + "\n对", 1.0),  # on the empty second line
    ("YM-PD-01", PD + "  对", 1.0),  # after the comment
    ("YM-PD-01", PD + "\n\n对\n", 1.0),  # with blank lines around
    ("YM-PD-01", "作答 = 对", 1.0),  # no quotes
    ("YM-PD-01", "对", 1.0),  # the whole line replaced
    ("YM-PD-01", '作答 = "对的"', 1.0),
    ("YM-PD-01", '作答 = "是的"', 1.0),
    ("YM-PD-01", '作答 = "✔️"', 1.0),
    ("YM-PD-01", "作答 = True", 1.0),
    ("YM-PD-01", "# 对", 1.0),  # typed as a comment of its own
    ("YM-PD-07", '作答 = "不对"', 1.0),
    ("YM-PD-07", '作答 = "错的"', 1.0),
    ("YM-PD-07", '作答 = "对"', 0.0),  # read, and wrong: not a slip
    ("YM-PD-01", '作答 = "对" "对"', "unreadable"),
    ("YM-PD-03", '作答 = "?"', "unreadable"),
    ("YM-PD-01", '作答 = "不知道"', "unreadable"),
    # 单选: YM-XZ-01 key A（A．明确主体）, YM-XZ-07 key C（C．岗位职责, B．个人分工）
    ("YM-XZ-01", XZ + "  A", 1.0),  # after the comment
    ("YM-XZ-01", XZ + "\nA", 1.0),  # on the second line
    ("YM-XZ-01", "作答 = A", 1.0),
    ("YM-XZ-01", "A", 1.0),
    ("YM-XZ-01", '作答 = "A明确主体"', 1.0),  # the letter followed by its text
    ("YM-XZ-01", '作答 = "A.明确主体"', 1.0),
    ("YM-XZ-01", '作答 = "（A）明确主体"', 1.0),
    ("YM-XZ-01", '作答 = "明确主体"', 1.0),  # the option's text alone
    ("YM-XZ-01", '作答 = "A', 1.0),  # the closing quote forgotten
    ("YM-XZ-01", '作答 ＝ "A"', 1.0),  # a full-width equals sign
    ("YM-XZ-01", '作答="A"；', 1.0),  # a Chinese semicolon after it
    ("YM-XZ-01", '作答 = "a "', 1.0),
    ("YM-XZ-07", '作答 = "C.岗位职责"', 1.0),
    ("YM-XZ-07", '作答 = "C 岗位"', 1.0),  # letter and a shortened text that names no other option
    ("YM-XZ-07", '作答 = "B.岗位职责"', "unreadable"),  # letter B with option C's text
    ("YM-XZ-01", '作答 = "AB"', 0.0),  # two letters for a 单选: read, and wrong
    ("YM-XZ-01", '作答 = "我选A"', "unreadable"),
    ("YM-XZ-01", '作答 = "B"\nA', "unclear"),  # an answer in the quotes and another below
    ("YM-XZ-01", 'print("A")', "not_literal"),
    ("YM-XZ-01", 'import os\n作答 = "A"', "not_literal"),
    ("YM-XZ-10", "del 作答", "not_literal"),
    ("YM-XZ-04", None, "missing"),  # the answer cell deleted
    # 填空: YM-TK-04 计划/执行/检查/处理 in order (0.5 each), YM-TK-05 five blanks, YM-TK-01 three, any order
    ("YM-TK-04", '作答 = ["计划、执行、检查、处理", "", "", ""]', 2.0),  # all blanks in the first quotes
    ("YM-TK-04", '作答 = ["计划 执行 检查 处理", "", "", ""]', 2.0),  # separated by spaces
    ("YM-TK-04", '作答 = ["P计划", "D执行", "C检查", "A处理"]', 2.0),  # PDCA letters in front
    ("YM-TK-04", '作答 = ["P计划", "", "", ""]', 0.5),
    ("YM-TK-04", '作答 = "计划，执行，检查，处理"', 2.0),
    ("YM-TK-04", TK4 + "\n计划\n执行\n检查\n处理", 2.0),  # one blank per line under the template
    ("YM-TK-04", TK4 + " 计划、执行、检查、处理", 2.0),  # after the comment
    ("YM-TK-04", "作答 = 计划，执行，检查，处理", 2.0),  # no quotes at all
    ("YM-TK-04", '作答 = ["计划", "执行", "检查", "处理"', 2.0),  # the closing bracket forgotten
    ("YM-TK-04", '作答 = ["计划", "执行", "检查", "处理"]  # 我不确定', 2.0),
    ("YM-TK-04", '作答 = ["计划", "检查", "执行", "处理"]', 1.0),  # read; two in the wrong order
    ("YM-TK-04", '作答 = ["计划执行检查处理", "", "", ""]', "crammed"),  # run together: for a person to see
    ("YM-TK-05", '作答 = ["公共权力、教育、制度、监督、党员干部", "", "", "", ""]', 2.5),
    ("YM-TK-01", '作答 = "人员伤亡；财产损失；经济损失"', 1.5),
    ("YM-TK-01", '作答 = ["人员 伤亡", "", ""]', 0.5),  # a space inside one blank does not split it
    ("YM-TK-04", '作答 = ["计划", "执行", "检查", "处理"] + ["x"]', "not_literal"),
    ("YM-TK-08", '作答 = "思想道德" + "岗位职责"', "not_literal"),
]


# read by marking (and wrong), but the candidate's check warns before submitting
WARNED_BEFORE_SUBMITTING = {'作答 = "AB"'}


@pytest.fixture(scope="module")
def paper():
    project = find_project(REPO)
    bp = load_blueprint(project.exams_dir / "blueprints" / f"{EXAM}.yaml")
    case_ids = {c.id for c in load_library(project.cases_dir).cases}
    return build_paper(bp, load_bank(project.bank_dir, case_ids), 0)


@pytest.fixture(scope="module")
def entries(paper):
    return {pi.id: pi.key_entry() for pi in paper.items}


def test_the_table_is_big_enough_and_covers_every_kind_of_report():
    assert len(SLIPS) >= 40
    assert {e for *_, e in SLIPS if isinstance(e, str)} == set(REASONS)


@pytest.mark.parametrize("item,source,expected", SLIPS)
def test_slip_reads_as_a_person_would(entries, item, source, expected):
    result = score(entries[item], read_answer(source) if source is not None else read_answer(None))
    if isinstance(expected, float):
        assert result.points == pytest.approx(expected), result
        assert result.status not in REASONS, result
    elif expected == "crammed":
        assert result.points == 0.0
    else:
        assert result.status == expected and result.points == 0.0, result


def test_every_template_reads_as_unanswered_and_its_hint_is_not_an_answer(paper):
    for pi in paper.items:
        if pi.item.objective:
            assert read_answer(answer_template(pi) + "\n").status == "empty", pi.id


@pytest.mark.parametrize("item,source,expected", [s for s in SLIPS if s[1] is not None])
def test_the_candidates_check_flags_what_marking_cannot_read(paper, item, source, expected):
    spec = next(answer_spec(pi, sec.heading) for sec in paper.sections for pi in sec.items if pi.id == item)
    checked = check_cell(spec, {"cell_type": "code", "source": source, "metadata": {}})
    if expected in ("unreadable", "unclear", "not_literal") or source in WARNED_BEFORE_SUBMITTING:
        assert checked.state == "unreadable" and checked.why, checked
    elif isinstance(expected, float):
        assert checked.state in ("answered", "partial"), checked


@pytest.mark.slow
def test_every_unreadable_slip_is_in_the_mark_summary_and_report(tmp_path):
    from qingfeng.demo.simulate import write_submission

    root = copy_project(tmp_path / "proj")
    project = find_project(root)
    course.build_exam(project, EXAM, EXAM)
    course.generate(project, EXAM)
    released = json.loads((project.exams_dir / "release" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))
    expected = set()
    for n, (item, source, want) in enumerate(SLIPS):
        student = f"k{n:02d}"
        folder = write_submission(released, project.exams_dir, EXAM, student, {item: source or ""})
        if source is None:
            path = folder / f"{EXAM}.ipynb"
            nb = json.loads(path.read_text(encoding="utf-8"))
            nb["cells"] = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") != f"answer-{item}"]
            path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
        if isinstance(want, str):
            expected.add((student, item, REASONS[want]))
    result = CliRunner().invoke(cli, ["--root", str(root), "mark", EXAM])
    assert result.exit_code == 0, result.output
    for student, item, reason in expected:
        assert f"需人工核对：考生 {student} " in result.output and reason in result.output
    assert f"共 {len(expected)} 处作答系统读不出或需核对" in result.output
    ws = load_workbook(report_path(project, EXAM)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("考生编号", "题号", "题目编号", "原因")
    assert {(r[0], r[2], r[3]) for r in rows[1:]} == expected
    printed = SLIPS.index(("YM-XZ-01", 'print("A")', "not_literal"))
    code = next(r for r in rows[1:] if r[0] == f"k{printed:02d}")
    assert code[5] == 'print("A")' and code[6] == 0  # what was in the cell, for the examiner to judge
    assert len(find_unreadable(project, EXAM)) == len(expected)
