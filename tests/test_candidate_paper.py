"""A candidate who has never programmed takes papers in a real browser (chromium + JupyterLab 4).

Papers are released in a copied project and served by JupyterLab on the
candidate's folder with the exchange configured and the qingfeng extension
installed into a temporary prefix by the same routine ``make`` runs.  The
candidate only clicks and types into boxes; the submitted notebook must hold
the canonical literals, and marking must give the score worked out by hand.

* the sample paper (fetched through nbgrader beforehand, with two cells typed
  into by hand): every item type but 多选;
* the whole journey from the Chinese 我的考试 panel: fetch with a click, tick
  and untick 多选 checkboxes, check, submit, see 已提交, and — after the
  examiner marks and returns feedback with the real CLI — read the feedback.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest

from qingfeng.exam import course
from qingfeng.exam.fast_marking import mark_exam
from qingfeng.exam.schedule import SHANGHAI, show
from qingfeng.project import find_project

from .browser import browser, jupyterlab
from .exam_course import candidate_env, candidate_home, copy_project, fetched_home

pytestmark = [pytest.mark.slow, pytest.mark.browser]
EXAM = "yumin-sample"
SHOTS = Path("/tmp/qingfeng-screenshots")

BLANKS = {
    "YM-TK-01": ["人员伤亡", "财产损失", "经济损失"], "YM-TK-02": ["风险因素", "风险事故", "损失"],
    "YM-TK-03": ["肯定有风险", "量度", "评估", "应变策略"], "YM-TK-04": ["计划", "执行", "检查", "处理"],
    "YM-TK-05": ["公共权力", "教育", "制度", "监督", "党员干部"],
    "YM-TK-06": ["公共权力", "岗位", "岗位", "滥用权力", "失职", "渎职"],
    "YM-TK-07": ["客观性", "潜在性", "可控性"],
    "YM-TK-08": ["思想道德风险", "岗位职责风险", "业务流程风险", "制度机制风险", "外部环境风险"],
    "YM-TK-09": ["警示提醒", "诫勉纠错", "责令整改", "违纪违法"],
}
CHOICES = {"YM-XZ-01": "A", "YM-XZ-02": "A", "YM-XZ-03": "D", "YM-XZ-04": "B", "YM-XZ-07": "C", "YM-XZ-08": "A",
           "YM-XZ-09": "B", "YM-XZ-10": "C"}  # YM-XZ-05 deliberately left out
JUDGEMENTS = {**{f"YM-PD-{n:02d}": "对" for n in range(1, 11)}}  # YM-PD-07's key is 错: one wrong answer
ESSAYS = {"YM-JD-01": "廉政风险产生的原因：教育不到位、制度不健全、监督不得力。", "YM-JD-02": "岗位职责风险。",
          "YM-JD-04": "计划、执行、检查、处理。", "YM-JD-05": "前期预防、中期监控、后期处置。", "YM-JD-06": "警示提醒。",
          "YM-LS-01": "结合本单位实际论述。", "YM-LS-02": "从思想、制度、监督三方面论述。"}  # YM-JD-03 left out
LEFT_OUT = {"YM-XZ-05", "YM-JD-03"}
HAND_TYPED = {"YM-PD-03": '作答 = "?"', "YM-TK-02": '作答 = ["风险因素、风险事故、损失", "", ""]'}
# By hand, from exams/bank/yumin_sample.yaml: objective full marks 39 (填空 19, 选择 10, 判断 10);
# 选择第 5 题 unanswered (−1), 判断第 7 题 answered 对 against the key 错 (−1).
OBJECTIVE_SCORE = 37.0


@pytest.fixture
def candidate(tmp_path):
    root = copy_project(tmp_path / "proj")
    project = find_project(root)
    course.build_exam(project, EXAM, EXAM)
    course.generate(project, EXAM)
    course.release(project, EXAM)
    home, exchange = fetched_home(tmp_path, project, EXAM)
    # two cells the candidate had typed into by hand before (say, without the extension)
    path = home / EXAM / f"{EXAM}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        item = cell.metadata.get("qingfeng", {}).get("item")
        if item in HAND_TYPED:
            cell.source = HAND_TYPED[item]
    nbformat.write(nb, path)
    candidate_home(home, exchange)
    return project, home, candidate_env(tmp_path, home)


def _form(page, item):
    return page.locator(f".qf-form[data-item='{item}']")


def test_candidate_answers_by_clicking_checks_and_submits(candidate, tmp_path):
    SHOTS.mkdir(exist_ok=True)
    project, home, env = candidate
    with jupyterlab(home, tmp_path, env) as (base, token), browser() as b:
        page = b.new_page(viewport={"width": 1300, "height": 1000})
        page.goto(f"{base}/lab/tree/{quote(EXAM)}/{quote(EXAM)}.ipynb?token={token}")
        page.wait_for_selector(".qf-bar .qf-progress:has-text('共 36 题')", timeout=90_000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / "candidate-paper.png"))
        # no code and no marking cells are visible to the candidate
        assert page.locator(".jp-Notebook .jp-CodeMirrorEditor:visible").count() == 0
        assert page.locator(".qf-test-cell:visible").count() == 0
        # what was typed by hand is shown as the marking reader reads it
        hand = _form(page, "YM-TK-02").locator("input[type=text]")
        assert [hand.nth(i).input_value() for i in range(3)] == ["风险因素", "风险事故", "损失"]
        warning = _form(page, "YM-PD-03")
        warning.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        said = warning.text_content()  # DOM text: JupyterLab's windowing may not have painted it yet
        assert "本题现在读不出答案" in said and "原来的内容：作答 = \"?\"" in said
        page.screenshot(path=str(SHOTS / "candidate-unreadable.png"))
        for item, blanks in BLANKS.items():
            form = _form(page, item)
            form.scroll_into_view_if_needed()
            boxes = form.locator("input[type=text]")
            assert boxes.count() == len(blanks)
            assert form.locator(".qf-blank-number").first.text_content() == "（1）"
            for n, text in enumerate(blanks):
                boxes.nth(n).fill(text)
        for item, letter in CHOICES.items():
            form = _form(page, item)
            form.scroll_into_view_if_needed()
            form.locator(f"input[type=radio][value='{letter}']").check()
        for item, said in JUDGEMENTS.items():
            form = _form(page, item)
            form.scroll_into_view_if_needed()
            form.locator(f"input[type=radio][value='{said}']").check()
        for item, text in ESSAYS.items():
            form = _form(page, item)
            form.scroll_into_view_if_needed()
            form.locator("textarea").fill(text)
        page.wait_for_selector(".qf-progress:has-text('已作答 34 / 共 36 题')", timeout=30_000)
        assert "读不出" not in _form(page, "YM-PD-03").text_content()  # clicking 对 replaced the hand-typed "?"

        page.locator(".qf-bar button.qf-check").click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=30_000)
        listed = {li.get_attribute("data-item") for li in dialog.locator("li.qf-issue").all()}
        text = dialog.inner_text()
        page.screenshot(path=str(SHOTS / "candidate-check.png"))
        assert listed == LEFT_OUT, text
        assert "选择第 5 题：未作答" in text and "简答第 3 题：未作答" in text
        dialog.locator("button", has_text="返回作答").click()

        page.locator(".qf-bar button.qf-submit").click()
        page.locator(".jp-Dialog button", has_text="确认提交").click()
        done = page.locator(".jp-Dialog .qf-submitted")
        done.wait_for(timeout=60_000)
        confirmation = done.inner_text()
        page.screenshot(path=str(SHOTS / "candidate-submitted.png"))
    assert "提交成功" in confirmation and "北京时间" in confirmation and "已作答 34 / 共 36 题" in confirmation
    assert "裕民县廉政风险防范管理工作理论试题" in confirmation and EXAM not in confirmation  # the title, not the id

    inbound = project.exams_dir / "exchange" / "qingfeng" / "inbound"
    submissions = sorted(inbound.glob(f"c01+{EXAM}+*"))
    assert len(submissions) == 1
    nb = nbformat.read(submissions[0] / f"{EXAM}.ipynb", as_version=4)
    sources = {c.metadata["nbgrader"]["grade_id"][len("answer-"):]: c.source for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("answer-")}
    for item, blanks in BLANKS.items():
        assert sources[item] == "作答 = " + json.dumps(blanks, ensure_ascii=False).replace('","', '", "')
    for item, letter in {**CHOICES, **JUDGEMENTS}.items():
        assert sources[item] == f'作答 = "{letter}"'
    assert sources["YM-XZ-05"].startswith('作答 = ""  #')  # untouched template
    assert sources["YM-JD-01"] == ESSAYS["YM-JD-01"]

    course.collect(project, EXAM)
    report = mark_exam(project, EXAM, workers=1)
    assert report.marked == ["c01"] and report.problems == []
    assert report.total_points["c01"] == pytest.approx(OBJECTIVE_SCORE)


def test_the_examiners_source_notebook_is_shown_as_it_is(candidate, tmp_path):
    project, home, env = candidate
    with jupyterlab(project.root, tmp_path, env) as (base, token), browser() as b:
        page = b.new_page(viewport={"width": 1300, "height": 900})
        page.goto(f"{base}/lab/tree/exams/source/{quote(EXAM)}/{quote(EXAM)}.ipynb?token={token}")
        # code cells' input areas, not CodeMirror's editor node: JupyterLab may create editors lazily
        page.wait_for_selector(".jp-Notebook .jp-CodeCell .jp-InputArea", timeout=90_000)
        page.wait_for_timeout(1500)
        assert page.locator(".qf-form").count() == 0 and page.locator(".qf-bar").count() == 0
        assert page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea:visible").count() > 0


# ---- the whole journey from 我的考试, on a paper with 多选 items -------------------------------------------
MULTI = "duoxuan-q1"
MULTI_TITLE = "多项选择题练习卷"
SAMPLE_TITLE = "裕民县廉政风险防范管理工作理论试题"
MULTI_BLUEPRINT = f"""title: {MULTI_TITLE}
sections:
  - title: 多项选择题
    type: 多选
    points: 4
    items: [CS-DXX-01, CS-DXX-04]
"""
# exams/bank/cases.yaml: CS-DXX-01 key [A, B, D, F], 2 points, 按对选项计分; CS-DXX-04 key [A, B, D], 2 points.
TICKED = {"CS-DXX-01": "ABD", "CS-DXX-04": "ABD"}
# By hand: CS-DXX-01 three of four right options and no wrong one: 2 × 3/4 = 1.5; CS-DXX-04 all right: 2.
ITEM_SCORES = {"CS-DXX-01": 1.5, "CS-DXX-04": 2.0}


def _qingfeng(project, *args: str) -> str:
    """The examiner's real command line on the copied project."""
    proc = subprocess.run([sys.executable, "-m", "qingfeng", "--root", str(project.root), *args],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


@pytest.fixture
def released(tmp_path):
    """Two papers released to c01, fetched by nobody yet: the sample paper and a 多选 paper with a deadline."""
    root = copy_project(tmp_path / "proj")
    project = find_project(root)
    (project.exams_dir / "blueprints" / "duoxuan-test.yaml").write_text(MULTI_BLUEPRINT, encoding="utf-8")
    deadline = (dt.datetime.now(SHANGHAI) + dt.timedelta(days=7)).replace(second=0, microsecond=0)
    _qingfeng(project, "exam", "build", "duoxuan-test", "--id", MULTI, "--deadline", deadline.strftime("%Y-%m-%d %H:%M"))
    _qingfeng(project, "exam", "release", MULTI)
    course.build_exam(project, EXAM, EXAM)
    course.generate(project, EXAM)
    course.release(project, EXAM)
    home = tmp_path / "c01"
    home.mkdir()
    candidate_home(home, project.exams_dir / "exchange")
    return project, home, candidate_env(tmp_path, home), deadline


def _card(page, exam_id):
    return page.locator(f".qf-paper-list .qf-paper[data-exam='{exam_id}']")


def test_candidate_fetches_ticks_submits_and_reads_feedback_from_my_exams(released, tmp_path):
    SHOTS.mkdir(exist_ok=True)
    project, home, env, deadline = released
    with jupyterlab(home, tmp_path, env) as (base, token), browser() as b:
        page = b.new_page(viewport={"width": 1300, "height": 1000})
        page.goto(f"{base}/lab?token={token}")
        # 我的考试 opens by itself: papers are waiting; each under its Chinese title, never its id
        panel = page.locator(".qf-paper-list")
        _card(page, MULTI).wait_for(timeout=90_000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / "my-exams-released.png"))
        text = panel.inner_text()
        assert MULTI_TITLE in text and SAMPLE_TITLE in text and MULTI not in text and EXAM not in text, text
        multi = _card(page, MULTI)
        assert show(deadline) in multi.inner_text() and "可领取" in multi.inner_text()
        assert "未设定" in _card(page, EXAM).inner_text()  # built without a deadline
        assert page.get_by_text("Nbgrader", exact=True).count() == 0  # nbgrader's English menu is off
        assert page.get_by_text("Assignments", exact=True).count() == 0

        multi.locator("button.qf-fetch").click()
        page.wait_for_selector(".qf-bar .qf-progress:has-text('已作答 0 / 共 2 题')", timeout=90_000)
        assert "已领取" in _card(page, MULTI).inner_text()
        form = _form(page, "CS-DXX-01")
        for letter in "ABCD":
            form.locator(f"input[type=checkbox][value='{letter}']").check()
        form.locator("input[type=checkbox][value='C']").uncheck()  # changed their mind
        form = _form(page, "CS-DXX-04")
        for letter in TICKED["CS-DXX-04"]:
            form.locator(f"input[type=checkbox][value='{letter}']").check()
        page.wait_for_selector(".qf-progress:has-text('已作答 2 / 共 2 题')", timeout=30_000)
        page.wait_for_selector(".qf-status:has-text('已自动保存')", timeout=30_000)
        page.screenshot(path=str(SHOTS / "my-exams-paper-multi.png"))
        saved = nbformat.read(home / MULTI / f"{MULTI}.ipynb", as_version=4)
        sources = {c.metadata["qingfeng"]["item"]: c.source for c in saved.cells if "item" in c.metadata.get("qingfeng", {})}
        assert sources == {item: f'作答 = "{letters}"' for item, letters in TICKED.items()}

        page.locator(".qf-bar button.qf-check").click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=30_000)
        assert "所有题目都已作答" in dialog.inner_text()
        dialog.locator("button", has_text="返回作答").click()
        page.locator(".qf-bar button.qf-submit").click()
        page.locator(".jp-Dialog button", has_text="确认提交").click()
        done = page.locator(".jp-Dialog .qf-submitted")
        done.wait_for(timeout=60_000)
        assert MULTI_TITLE in done.inner_text() and MULTI not in done.inner_text()
        page.locator(".jp-Dialog button", has_text="知道了").click()
        # the list says so at once: submitted once, when (Beijing time), feedback not yet returned
        _card(page, MULTI).locator(".qf-paper-status:has-text('已提交 1 次')").wait_for(timeout=30_000)
        card = _card(page, MULTI).inner_text()
        assert "北京时间" in card and "尚未发还" in card and "查看反馈" not in card, card
        page.screenshot(path=str(SHOTS / "my-exams-submitted.png"))

        # the examiner collects, marks and returns feedback with the real CLI
        _qingfeng(project, "exam", "collect", MULTI)
        _qingfeng(project, "mark", MULTI)
        _qingfeng(project, "exam", "feedback", MULTI)
        panel.locator("button.qf-refresh").click()
        button = _card(page, MULTI).locator("button.qf-feedback")
        button.wait_for(timeout=30_000)
        button.click()
        tab = page.locator(".lm-TabBar-tab", has_text=f"反馈：{MULTI_TITLE}")
        tab.wait_for(timeout=60_000)
        frame = page.frame_locator(".qf-feedback-view iframe")
        frame.locator("body:has-text('成绩反馈')").wait_for(timeout=60_000)
        feedback = frame.locator("body").inner_text()
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / "my-exams-feedback.png"))
        assert f"成绩反馈：{MULTI_TITLE}" in feedback and "得分 3.5 / 满分 4" in feedback, feedback
        assert "少选，按选对的 3 项计分" in feedback, feedback
        # the ticked options as a person reads them; no Python, prompt or internal id on the page (issue 11)
        for letters in TICKED.values():
            assert f"你的作答：{'、'.join(sorted(letters))}" in feedback, feedback
        for code in ("作答 =", "In [", "In\xa0[", "Out[", "试卷编号", MULTI, "CS-DXX", "No response"):
            assert code not in feedback, (code, feedback)
        frame.locator(".qf-answer").first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / "my-exams-feedback-answers.png"))

        # and the sample paper, fetched with the same click, opens as a paper
        _card(page, EXAM).locator("button.qf-fetch").click()
        page.wait_for_selector(".qf-bar .qf-progress:has-text('共 36 题')", timeout=90_000)

    with course.open_gradebook(project) as gb:
        for item, points in ITEM_SCORES.items():
            assert gb.find_grade(f"test-{item}", MULTI, MULTI, "c01").score == pytest.approx(points)


def test_my_exams_endpoints_list_papers_and_explain_a_failed_fetch_in_chinese(released, tmp_path):
    """The endpoints the panel calls, on a real server: nbgrader's own manager underneath, Chinese on top."""
    import urllib.request

    project, home, env, deadline = released

    def call(base, token, path, body=None):
        req = urllib.request.Request(f"{base}/{path}", data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {token}"}, method="GET" if body is None else "POST")
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())

    with jupyterlab(home, tmp_path, env) as (base, token):
        listed = call(base, token, "qingfeng/papers")
        assert listed["success"] and {(p["exam_id"], p["title"], p["status"]) for p in listed["papers"]} == {
            (MULTI, MULTI_TITLE, "可领取"), (EXAM, SAMPLE_TITLE, "可领取")}
        # an exam that was never released (or was withdrawn): nbgrader's own /assignments/fetch would say nothing
        out = call(base, token, "qingfeng/papers/fetch", {"course_id": "qingfeng", "exam_id": "2026-q9"})
        assert out["error"] == "领取试卷没有成功：这份试卷已不在发布目录中（考官可能已撤回），请点“刷新”后再看。", out
        assert "Assignment not found" in out["detail"] and len(out["papers"]) == 2
        done = call(base, token, "qingfeng/papers/fetch", {"course_id": "qingfeng", "exam_id": MULTI})
        row = next(p for p in done["papers"] if p["exam_id"] == MULTI)
        assert done["done"] == "fetch" and row["fetched"] and row["notebook"] == f"{MULTI}/{MULTI}.ipynb"
        assert (home / MULTI / f"{MULTI}.ipynb").is_file()
