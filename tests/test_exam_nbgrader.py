"""Issue 3 end to end: the sample paper through the real nbgrader CLI on a temporary course folder.

Every expected score below is worked out by hand from the sample paper's key
(exams/bank/yumin_sample.yaml); none is computed by the code under test.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import nbformat
import pytest

from qingfeng.exam import course
from qingfeng.exam.keys import read_key
from qingfeng.exam.roster import import_roster, load_roster
from qingfeng.project import find_project

from .exam_course import copy_project, take_exam

pytestmark = pytest.mark.slow
EXAM = "yumin-sample"

PERFECT = {
    "YM-TK-01": '作答 = ["人员伤亡", "财产损失", "经济损失"]', "YM-TK-02": '作答 = ["风险因素", "风险事故", "损失"]',
    "YM-TK-03": '作答 = ["肯定有风险", "量度", "评估", "应变策略"]', "YM-TK-04": '作答 = ["计划", "执行", "检查", "处理"]',
    "YM-TK-05": '作答 = ["公共权力", "教育", "制度", "监督", "党员干部"]',
    "YM-TK-06": '作答 = ["公共权力", "岗位", "岗位", "滥用权力", "失职", "渎职"]',
    "YM-TK-07": '作答 = ["客观性", "潜在性", "可控性"]',
    "YM-TK-08": '作答 = ["思想道德风险", "岗位职责风险", "业务流程风险", "制度机制风险", "外部环境风险"]',
    "YM-TK-09": '作答 = ["警示提醒", "诫勉纠错", "责令整改", "违纪违法"]',
    "YM-XZ-01": '作答 = "A"', "YM-XZ-02": '作答 = "A"', "YM-XZ-03": '作答 = "D"', "YM-XZ-04": '作答 = "B"',
    "YM-XZ-05": '作答 = "B"', "YM-XZ-07": '作答 = "C"', "YM-XZ-08": '作答 = "A"', "YM-XZ-09": '作答 = "B"',
    "YM-XZ-10": '作答 = "C"',
    **{f"YM-PD-{n:02d}": '作答 = "对"' for n in range(1, 11)}, "YM-PD-07": '作答 = "错"',
}
SLOPPY = {  # everything right, typed the way people type
    "YM-TK-01": '作答 = "人員傷亡、財產損失、其他經濟損失"', "YM-TK-02": '作答 = ["风险事故", "风险因素", "损失"]',
    "YM-TK-03": '作答=["肯定有风险","评估","量度","应变策略"]', "YM-TK-04": "作答 = ['Plan', 'Do', 'Check', 'Act']",
    "YM-TK-05": '作答 = [" 公共权力 ", "监督", "教育", "制度", "干部"]',
    "YM-TK-06": '作答 = ["权力", "岗位", "岗位", "权力滥用", "渎职", "失职"]',
    "YM-TK-07": '作答 = ["隐蔽性", "普遍性", "可防范性"]', "YM-TK-08": '作答 = "外部环境 制度机制 业务流程 岗位职责 思想道德"',
    "YM-TK-09": '作答 = ["責令整改", "警示提醒", "誡勉糾錯", "违法违纪"]',
    "YM-XZ-01": '作答 = "ａ"', "YM-XZ-02": '作答 = " a "', "YM-XZ-03": '作答 = "Ｄ"', "YM-XZ-04": '作答 = "（B）"',
    "YM-XZ-05": '作答 = "b"', "YM-XZ-07": '作答 = "C."', "YM-XZ-08": "作答 = 'A'", "YM-XZ-09": '作答 = "正面激励为主"',
    "YM-XZ-10": '作答 = "c"',
    "YM-PD-01": '作答 = "√"', "YM-PD-02": '作答 = "正确"', "YM-PD-03": '作答 = "T"', "YM-PD-04": '作答 = "对 "',
    "YM-PD-05": '作答 = "✓"', "YM-PD-06": '作答 = "是"', "YM-PD-07": '作答 = "×"', "YM-PD-08": '作答 = "√"',
    "YM-PD-09": '作答 = "對"', "YM-PD-10": '作答 = "true"',
}
PARTIAL = {
    "YM-TK-01": '作答 = ["人员伤亡", "", ""]', "YM-TK-02": '作答 = ["风险因素", "风险事故", "风险"]',
    "YM-TK-03": '作答 = ["有风险", "量度", "", "应变"]', "YM-TK-04": '作答 = ["计划", "检查", "执行", "处理"]',
    "YM-TK-05": '作答 = ["", "", "", "", ""]', "YM-TK-06": '作答 = ["公共权力", "岗位", "", "", "失职", ""]',
    "YM-TK-07": '作答 = ["客观性", "客观性", "可控性"]', "YM-TK-08": '作答 = ["思想道德", "岗位职责", "经济风险", "", ""]',
    "YM-TK-09": '作答 = ["警示提醒", "诫勉纠错", "责令整改", "犯罪"]',
    "YM-XZ-01": '作答 = "B"', "YM-XZ-02": '作答 = "AB"', "YM-XZ-03": '作答 = "D"', "YM-XZ-04": '作答 = "B"',
    "YM-XZ-05": '作答 = "E"', "YM-XZ-07": '作答 = "C"', "YM-XZ-08": '作答 = "A"', "YM-XZ-09": '作答 = "B"',
    "YM-XZ-10": '作答 = "A"', **{f"YM-PD-{n:02d}": '作答 = "对"' for n in range(1, 11)},
}
BROKEN = {
    "YM-TK-01": None,  # answer cell deleted
    "YM-TK-02": '作答 = ["风险因素", "风险事故"',  # unclosed bracket
    "YM-TK-03": 'import os\nos.system("true")\n作答 = ["肯定有风险", "量度", "评估", "应变策略"]',
    "YM-TK-04": '作答 = ["计划", "执行", "检查", "处理"]', "YM-TK-05": '答案 = "教育"',
    "YM-TK-06": '作答 = ("公共权力", "岗位", "岗位", "滥用权力", "失职", "渎职")', "YM-TK-07": "作答 = 123",
    "YM-TK-08": '作答 = "思想道德" + "岗位职责"', "YM-TK-09": '作答 = "警示提醒' + "啊" * 5000 + '"',
    "YM-XZ-01": '作答 = "A"\n作答 = "B"', "YM-XZ-02": '作答 = "A"  # 我选A', "YM-XZ-03": "",
    "YM-XZ-04": 'print("B")', "YM-XZ-05": '作答 = "B"', "YM-XZ-07": '作答 = ["C"]', "YM-XZ-08": '作答 = "Ａ"',
    "YM-XZ-09": '作答 = "正面激励为主"', "YM-XZ-10": "del 作答",
    "YM-PD-01": '作答 = "对"', "YM-PD-02": '作答 = "错"', "YM-PD-03": '作答 = "?"', "YM-PD-04": "作答 = True",
    "YM-PD-05": '作答 = "对" "对"', "YM-PD-06": '作答 = "对"', "YM-PD-07": '作答 = "错"', "YM-PD-08": '作答 = "对"',
    "YM-PD-09": '作答 = "对"', "YM-PD-10": '作答 = "对"',
}
OBJECTIVE_IDS = list(PERFECT)
# The missing 选择 6's point sits on 选择 3 (三重一大, verbatim in 004 第三篇 and 002), no longer on 选择 10, whose
# key has no seed text; 判断 8 now accepts only 对 (001 第十九条(一)).  Nobody below answers 判断 8 with 错.
ALL_RIGHT = {"YM-TK-01": 1.5, "YM-TK-02": 1.5, "YM-TK-03": 2.0, "YM-TK-04": 2.0, "YM-TK-05": 2.5, "YM-TK-06": 3.0,
             "YM-TK-07": 1.5, "YM-TK-08": 2.5, "YM-TK-09": 2.5, **{i: 1.0 for i in OBJECTIVE_IDS if "-XZ-" in i or "-PD-" in i},
             "YM-XZ-03": 2.0}
EXPECTED = {
    "c01": ALL_RIGHT,
    "c02": ALL_RIGHT,
    "c03": {**{i: 0.0 for i in OBJECTIVE_IDS}, "YM-TK-01": 0.5, "YM-TK-02": 1.0, "YM-TK-03": 1.5, "YM-TK-04": 1.0,
            "YM-TK-06": 1.5, "YM-TK-07": 1.0, "YM-TK-08": 1.0, "YM-TK-09": 1.5, "YM-XZ-03": 2.0, "YM-XZ-04": 1.0,
            "YM-XZ-07": 1.0, "YM-XZ-08": 1.0, "YM-XZ-09": 1.0,
            **{f"YM-PD-{n:02d}": 1.0 for n in range(1, 11) if n != 7}},
    # the hand-edit reader forgives the unclosed bracket of YM-TK-02 (two blanks right) and YM-PD-04's True (对)
    "c04": {**{i: 0.0 for i in OBJECTIVE_IDS}, "YM-TK-02": 1.0, "YM-TK-04": 2.0, "YM-TK-06": 3.0, "YM-XZ-02": 1.0,
            "YM-XZ-05": 1.0, "YM-XZ-07": 1.0, "YM-XZ-08": 1.0, "YM-XZ-09": 1.0, "YM-PD-01": 1.0, "YM-PD-04": 1.0,
            "YM-PD-06": 1.0, "YM-PD-07": 1.0, "YM-PD-08": 1.0, "YM-PD-09": 1.0, "YM-PD-10": 1.0},
    "c05": {i: 0.0 for i in OBJECTIVE_IDS},
}
ESSAYS = {
    "c01": {"YM-JD-01": 5, "YM-JD-02": 4, "YM-JD-03": 3, "YM-JD-04": 5, "YM-JD-05": 2.5, "YM-JD-06": 4, "YM-LS-01": 8, "YM-LS-02": 15},
    "c02": {"YM-JD-01": 3, "YM-JD-02": 3, "YM-JD-03": 3, "YM-JD-04": 3, "YM-JD-05": 3, "YM-JD-06": 3, "YM-LS-01": 6, "YM-LS-02": 12},
    "c03": {"YM-JD-01": 2},
}
# c03 gains 1: right on 选择 3 (now 2 points), wrong on 选择 10 (now 1 point, was 2).
# c04 gains 2: the hand-edit reader forgives YM-TK-02's unclosed bracket (1) and YM-PD-04's True (1).
TOTALS = {"c01": 39 + 46.5, "c02": 39 + 36, "c03": 24 + 2, "c04": 18.0, "c05": 0.0}
ROSTER = "编号,姓名,单位,部门,岗位\nc01,张一,交通局,工程管理科,科长\nc02,李二,交通局,财务科,会计\nc03,王三,教育局,办公室,科员\nc04,赵四,教育局,基建科,科员\nc05,钱五,卫生局,监督所,执法员\n"


@pytest.fixture(scope="module")
def marked(tmp_path_factory, gradebook_backend):
    root = copy_project(tmp_path_factory.mktemp(f"course-{gradebook_backend}") / "proj", gradebook_backend)
    project = find_project(root)
    deadline = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)).astimezone(dt.timezone(dt.timedelta(hours=8)))
    deadline = deadline.replace(second=0, microsecond=0)
    course.build_exam(project, "yumin-sample", EXAM, seed=0, deadline=deadline, allow_past=True)
    (root / "roster.csv").write_text(ROSTER, encoding="gb18030")
    added, errors = import_roster(project, root / "roster.csv")
    assert errors == [] and len(added) == 5
    course.generate(project, EXAM)
    course.release(project, EXAM)
    for student, answers in (("c01", PERFECT), ("c02", SLOPPY), ("c03", PARTIAL), ("c04", BROKEN), ("c05", {})):
        essays = {i: f"考生 {student} 对 {i} 的回答：教育、制度、监督不到位。" for i in ESSAYS.get(student, {})}
        take_exam(root, EXAM, student, answers, essays)
    course.collect(project, EXAM)
    course.autograde(project, EXAM)
    # c01 and c02 in one `exam grade` batch (qingfeng.exam.manual_marks), c03 one mark as formgrader records it:
    # both paths write the same rows, on SQLite and on PostgreSQL
    from qingfeng.exam.manual_marks import Mark, record_marks

    batch = [Mark(s, item, str(score), "要点基本齐全", None, f"{s} {item}")
             for s in ("c01", "c02") for item, score in ESSAYS[s].items()]
    written, errors = record_marks(project, EXAM, batch)
    assert errors == [] and written == len(batch)
    for item, score in ESSAYS["c03"].items():
        course.set_manual_grade(project, EXAM, "c03", item, score, comment="要点基本齐全")
    course.generate_feedback(project, EXAM)
    return project, deadline


def _grades(project, student):
    with course.open_gradebook(project) as gb:
        sub = gb.find_submission(EXAM, student)
        return {g.name: (g.score, g.max_score, g.needs_manual_grade) for nb in sub.notebooks for g in nb.grades}, sub.score


@pytest.mark.parametrize("student", list(EXPECTED))
def test_every_objective_item_scores_as_worked_out_by_hand(marked, student):
    project, _ = marked
    grades, _ = _grades(project, student)
    got = {name[len("test-"):]: score for name, (score, _, _) in grades.items() if name.startswith("test-")}
    assert got == pytest.approx(EXPECTED[student])


@pytest.mark.parametrize("student", list(TOTALS))
def test_totals_include_hand_marked_essays_and_nothing_awaits_a_marker_wrongly(marked, student):
    project, _ = marked
    grades, total = _grades(project, student)
    assert total == pytest.approx(TOTALS[student])
    pending = sorted(n for n, (_, _, needs) in grades.items() if needs)
    answered = {f"answer-{i}" for i in ESSAYS.get(student, {})}
    assert pending == []  or set(pending) <= answered, pending
    for name, (score, max_score, _) in grades.items():
        if name.startswith("answer-") and name not in answered:
            assert score == 0.0, name  # untouched essay: nbgrader scores it 0 by checksum


def test_deadline_is_stored_as_naive_utc_and_roster_units_kept(marked):
    project, deadline = marked
    with course.open_gradebook(project) as gb:
        stored = gb.find_assignment(EXAM).duedate
        names = {s.id: s.last_name for s in gb.students}
    assert stored.tzinfo is None and stored == deadline.astimezone(dt.timezone.utc).replace(tzinfo=None)
    assert names["c03"] == "王三"
    units = {c.id: (c.unit, c.department, c.post) for c in load_roster(project)}
    assert units["c05"] == ("卫生局", "监督所", "执法员")


def _secret_strings(project):
    """Key material that does not appear anywhere on the paper itself."""
    key = read_key(project.exams_dir, EXAM)
    source = (project.exams_dir / "source" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8")
    paper_text = "".join(c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                         for c in json.loads(source)["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id", "").startswith(("item-", "header", "section")))
    secrets = set()
    for k in key.items:
        for accepted, _ in k.entry.blanks:
            secrets |= {a for a in accepted if len(a) >= 2 and a not in paper_text}
        secrets |= {point for point, _ in k.rubric}
        secrets.add(k.explanation[:30])
    # Latin fragments such as "Do" (PDCA) occur in any HTML page; keep Chinese or long strings.
    return {s for s in secrets if s and (re.search(r"[\u4e00-\u9fff]", s) or len(s) >= 5)}


def test_released_paper_holds_no_key_no_test_code_no_rubric(marked):
    project, _ = marked
    text = (project.exams_dir / "release" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8")
    for marker in ("cell_marking", "HIDDEN TESTS", "MARK SCHEME", "评分要点"):
        assert marker not in text
    leaked = [s for s in _secret_strings(project) if s in text]
    assert leaked == []
    nb = nbformat.reads(text, as_version=4)
    answer_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("answer-") and c.cell_type == "code"]
    assert len(answer_cells) == 28 and all(c.source.startswith("作答 = ") for c in answer_cells)


def test_feedback_shows_scores_but_no_key_test_code_or_rubric(marked):
    project, _ = marked
    html = (project.exams_dir / "feedback" / "c05" / EXAM / f"{EXAM}.html").read_text(encoding="utf-8")
    for marker in ("cell_marking", "HIDDEN TESTS", "MARK SCHEME", "评分要点"):
        assert marker not in html
    assert [s for s in _secret_strings(project) if s in html] == []
    assert "未作答（得 0 / 1.5 分）" in html
    # labels in Chinese, items named as on the paper, no internal ids in what the candidate reads
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S))
    assert "题号" in visible and "得分/满分" in visible and "填空第 1 题" in visible and "选择第 3 题" in visible
    for english in ("Student's answer", "Grade cell", "Score:", "Test cell", "Comments:", "(Top)"):
        assert english not in visible
    assert not re.search(r"YM-[A-Z]{2}-\d\d|test-|answer-|task-", visible)
    partial = (project.exams_dir / "feedback" / "c03" / EXAM / f"{EXAM}.html").read_text(encoding="utf-8")
    assert "第1空对、第2空未填、第3空未填（得 0.5 / 1.5 分）" in partial
    broken = (project.exams_dir / "feedback" / "c04" / EXAM / f"{EXAM}.html").read_text(encoding="utf-8")
    assert "作答格被改成了程序代码" in broken and "第1空对、第2空对、第3空未填（得 1 / 1.5 分）" in broken


def test_answers_revealed_only_after_the_deadline(marked):
    project, _ = marked
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3)
    with pytest.raises(ValueError, match="尚未截止"):
        course.check_reveal_allowed(project, EXAM, True, now=before)
    course.check_reveal_allowed(project, EXAM, True)
    course.generate_feedback(project, EXAM, reveal=True)
    html = (project.exams_dir / "feedback" / "c05" / EXAM / f"{EXAM}.html").read_text(encoding="utf-8")
    assert "参考答案" in html and "解析" in html and re.search("诫勉纠错", html)
    assert "MARK SCHEME" not in html and "cell_marking" not in html


def test_markers_see_the_rubric_in_the_notebook_formgrader_renders(marked):
    project, _ = marked
    autograded = (project.exams_dir / "autograded" / "c01" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8")
    assert "评分要点（仅阅卷人可见）" in autograded
    key = read_key(project.exams_dir, EXAM)
    first_point = key.item("YM-JD-01").rubric[0][0]
    assert first_point in autograded
    release = (project.exams_dir / "release" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8")
    assert first_point not in release
