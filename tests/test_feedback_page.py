"""Issue 11: the candidate's feedback page reads as Chinese, names the paper and shows answers, never code.

The sample paper is marked with the real CLI (``qingfeng mark``) and its
feedback rendered by ``nbgrader generate_feedback`` with the course's
preprocessors and template.  Expected answers and points are taken from the
answers typed below and the paper's key (full points for the key's answer, 0
for an unreadable or empty cell), never from the code under test.
"""
from __future__ import annotations

import html as htmllib
import json
import re

import pytest

from qingfeng.demo.simulate import write_submission
from qingfeng.exam import course
from qingfeng.exam.keys import read_key
from qingfeng.exam.paper import item_label
from qingfeng.exam.roster import import_roster
from qingfeng.project import find_project

from .exam_course import copy_project
from .test_hostile_marking import ESSAY, run
from .test_hostile_input import _live_attr

pytestmark = pytest.mark.slow
EXAM = "yumin-sample"
HINT_JUDGE = "# 在引号中填写 对 或 错"


def _pts(x: float) -> str:
    return f"{x:g}"


def _answers(key):
    """item id -> (cell source, answer the page must show, points expected, note expected or None)."""
    by_type: dict[str, list] = {}
    for k in key.items:
        by_type.setdefault(k.entry.type, []).append(k)
    out = {}
    choice = [k for k in key.items if k.entry.type in ("单选", "多选")]
    right = choice[0].entry
    out[right.item_id] = (f'作答 = "{",".join(x.lower() for x in right.key)}"', "、".join(sorted(right.key)), right.points, None)
    out[choice[1].entry.item_id] = ('print("B")', 'print("B")', 0.0, "无法识别，已交考官人工核对")
    out[choice[2].entry.item_id] = ('作答 = ""  # 在引号中填写一个选项字母，如 "B"', "未作答", 0.0, None)
    judge = [k.entry for k in by_type["判断"]]
    sign = {"对": "√", "错": "×"}
    other = {"对": "错", "错": "对"}
    out[judge[0].item_id] = (f'作答 = "{sign[judge[0].key[0]]}"', judge[0].key[0], judge[0].points, None)
    word = {"对": "正确", "错": "错误"}
    wrong = other[judge[1].key[0]]
    out[judge[1].item_id] = (f'作答 = "{word[wrong]}"', wrong, 0.0, None)
    # typed under the template, outside the quotes: read as text, and the page says so
    out[judge[2].item_id] = (f'作答 = ""  {HINT_JUDGE}\n{judge[2].key[0]}', judge[2].key[0], judge[2].points,
                             "答案写在了引号之外")
    blanks = next(k.entry for k in by_type["填空"] if len(k.entry.blanks) >= 3)
    first = blanks.blanks[0][0][0]
    typed = [first, "", "随便写的"] + [""] * (len(blanks.blanks) - 3)
    shown = "　".join(f"（{i}）{t or '未填'}" for i, t in enumerate(typed, start=1))
    out[blanks.item_id] = ("作答 = " + json.dumps(typed, ensure_ascii=False), shown, blanks.blanks[0][1], None)
    out[by_type["填空"][-1].entry.item_id] = ('作答 = "风险" + "事故"', '"风险" + "事故"', 0.0, "无法识别，已交考官人工核对")
    return out


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("feedback-page") / "proj")
    project = find_project(root)
    course.build_exam(project, EXAM, EXAM)
    course.generate(project, EXAM)
    (root / "名单.csv").write_text("编号,姓名,单位,部门\nf01,孙一,交通局,办公室\n", encoding="utf-8")
    assert import_roster(project, root / "名单.csv")[1] == []
    released = json.loads((project.exams_dir / "release" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))
    key = read_key(project.exams_dir, EXAM)
    answers = _answers(key)
    essays = {k.entry.item_id: ESSAY for k in key.items if k.entry.type in ("简答", "论述")}
    write_submission(released, project.exams_dir, EXAM, "f01", {i: a[0] for i, a in answers.items()}, essays)
    code, out = run(project, "mark", EXAM)
    assert code == 0, out
    course.generate_feedback(project, EXAM)
    html = (project.exams_dir / "feedback" / "f01" / EXAM / f"{EXAM}.html").read_text(encoding="utf-8")
    return key, answers, html


def _visible(html: str) -> str:
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return htmllib.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", text)))


def test_page_is_titled_by_the_paper_and_shows_no_code_prompt_or_internal_id(page):
    key, _, html = page
    visible = _visible(html)
    assert key.title and f"成绩反馈：{key.title}" in visible
    assert f"<title>成绩反馈：{key.title}</title>" in html
    assert EXAM not in html and "试卷编号" not in html  # anywhere: text, anchors, attributes
    assert "In [" not in visible and "In&nbsp;[" not in html and "Out[" not in html
    assert "作答 =" not in html and "作答=" not in html and "BEGIN SOLUTION" not in html
    assert "cell_marking" not in html and "__import__" not in html and "mark(" not in html
    markup = re.sub(r"<style\b.*?</style>", " ", html, flags=re.S)  # CSS class names are not shown to anyone
    assert not re.search(r"YM-[A-Z]{2}-\d\d|\b(test|answer|task|item|header|section)-", markup)
    assert markup.count("<body") == 1
    for english in ("Student's", "Grade cell", "Score", "Test cell", "Comments", "(Top)", "Points", "Late"):
        assert english not in visible, english
    assert "mathjax" not in html.lower()  # nothing loaded from outside the exam network


def test_each_objective_item_shows_its_label_points_and_answer_as_read(page):
    key, answers, html = page
    visible = _visible(html)
    toc = visible[visible.index("题号 得分/满分"):visible.index(key.title + " ", visible.index("题号 得分/满分"))]
    for item_id, (_, shown, points, note) in answers.items():
        k = key.item(item_id)
        label = item_label(k.section, k.number)
        assert f"{label} {_pts(points)} / {_pts(k.entry.points)}" in toc, label
        start = visible.index(f"{label}：考生作答")
        panel = visible[start:visible.index(f"{label}：系统评分", start)]
        assert f"你的作答： {shown}" in panel or f"你的作答：{shown}" in panel, (label, panel)
        if note:
            assert note in panel, (label, panel)
        else:
            assert "无法识别" not in panel, (label, panel)
        marked = visible[visible.index(f"{label}：系统评分"):]
        assert marked.startswith(f"{label}：系统评分 得分/满分：{_pts(points)} / {_pts(k.entry.points)}"), (label, marked[:80])


def test_unreadable_answer_shows_the_text_as_typed_and_that_the_examiner_checks_it(page):
    key, answers, html = page
    code_item = next(i for i, a in answers.items() if a[0] == 'print("B")')
    k = key.item(code_item)
    label = item_label(k.section, k.number)
    visible = _visible(html)
    panel = visible[visible.index(f"{label}：考生作答"):visible.index(f"{label}：系统评分")]
    assert 'print("B")' in panel and "无法识别，已交考官人工核对" in panel
    assert "&lt;" not in panel  # escaped once in the HTML, read back as typed


def test_essay_markdown_is_still_sanitised_on_the_feedback_page(page):
    _, _, html = page
    essay = html[html.find("我的答案"):].lower()
    assert "我的答案" in html and "<strong>岗位职责</strong>" in essay
    assert "<script>alert(document.cookie)" not in essay and "<iframe" not in essay and "<img src=x" not in essay
    assert not any(_live_attr(essay, a) for a in ("javascript:", "onerror", "onload", "onclick"))
