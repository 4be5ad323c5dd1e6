"""Real browser (Debian chromium via Playwright): a course notebook in JupyterLab, and the statistics report."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from .browser import browser, jupyterlab, run_all

REPO = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.browser]
SHOTS = Path("/tmp/qingfeng-screenshots")


def test_case_grading_exercise_in_jupyterlab(tmp_path):
    SHOTS.mkdir(exist_ok=True)
    notebook = "courses/06_案例研判.ipynb"
    with jupyterlab(REPO, tmp_path, {"QINGFENG_PROGRESS": str(tmp_path / "progress.sqlite")}) as (base, token), browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/lab/tree/{quote(notebook)}?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], .jp-mod-idle", timeout=60_000, state="attached")
        grader = page.locator(".widget-vbox", has_text="你的研判").first
        run_all(page, grader, timeout=60_000)  # restart and run all, as the notebook tells learners
        grader.locator(".widget-dropdown", has_text="主要类别").locator("select").select_option(index=1)
        grader.locator("button", has_text="一级（高）").click()
        grader.locator("button", has_text="红").click()
        grader.get_by_role("button", name="提交").click()
        grader.locator(".qf-feedback", has_text="得分").wait_for(timeout=30_000)
        reveal = grader.get_by_role("button", name="看答案和依据")
        if reveal.is_visible():  # a wrong part: hints first, the answer and its reason on request
            reveal.click()
        feedback = grader.locator(".qf-feedback", has_text="真实处置")
        feedback.wait_for(timeout=30_000)
        text = feedback.inner_text()
        page.screenshot(path=str(SHOTS / "case-grading.png"), full_page=False)
        assert page.get_by_text("文件", exact=True).first.is_visible()  # JupyterLab's own menus in Chinese
        assert "风险类别" in text and "风险等级" in text and "预警颜色" in text and "处置措施" in text
        assert "得分：" in text and "真实处置" in text and "第二十八条" in text


def test_statistics_report_renders_in_chromium(tmp_path):
    from qingfeng.bench.statistics import simulated_table
    from qingfeng.stats.report import build_report, write_report

    SHOTS.mkdir(exist_ok=True)
    files = write_report(build_report(simulated_table(300)), tmp_path)
    with browser() as b:
        page = b.new_page(viewport={"width": 1200, "height": 1600})
        page.goto(files["html"].as_uri())
        assert "考试统计" in page.locator("h1").inner_text()
        widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)")
        assert len(widths) == 4 and all(w > 300 for w in widths)
        assert "模拟数据" in page.inner_text("body") and page.locator("table").count() >= 8
        page.screenshot(path=str(SHOTS / "stats-report.png"), full_page=False)


def test_essay_hand_marking_in_formgrader_shows_the_rubric_and_saves(tmp_path, gradebook_backend):
    from qingfeng.exam import course
    from qingfeng.project import find_project

    from .exam_course import copy_project, take_exam

    SHOTS.mkdir(exist_ok=True)
    project = find_project(copy_project(tmp_path / "proj", gradebook_backend))
    exam = "yumin-sample"
    course.build_exam(project, exam, exam)
    course.generate(project, exam)
    course.release(project, exam)
    take_exam(project.root, exam, "c01", {"YM-XZ-01": '作答 = "A"'}, {"YM-JD-01": "廉政风险产生的原因：教育、制度、监督不到位。"})
    course.collect(project, exam)
    course.autograde(project, exam)
    with course.open_gradebook(project) as gb:
        nb_id = gb.find_submission_notebook(exam, exam, "c01").id
    with jupyterlab(project.root, tmp_path) as (base, token), browser() as b:
        page = b.new_page(viewport={"width": 1300, "height": 1200})
        page.goto(f"{base}/lab?token={token}")  # log in as a marker would, through JupyterLab
        page.wait_for_selector(".jp-LauncherCard, .jp-Launcher, #jp-main-dock-panel", timeout=60_000)
        page.goto(f"{base}/formgrader/submissions/{nb_id}/")
        score = page.locator("input.score#answer-YM-JD-01")
        score.wait_for(timeout=60_000)
        # typing before formgrader has fetched the grades and comments is typing into an unbound field
        page.wait_for_function("formgrader.grades.loaded && formgrader.comments.loaded", timeout=60_000)
        body = page.inner_text("body")
        assert "评分要点（仅阅卷人可见）" in body and "廉政风险产生的原因" in body  # rubric next to the answer
        score.fill("4")
        score.press("Tab")
        page.locator("textarea#answer-YM-JD-01-comment").fill("要点基本齐全")
        page.locator("textarea#answer-YM-JD-01-comment").press("Tab")
        saved = None
        for _ in range(60):  # formgrader saves in the background: wait for the gradebook, not a fixed time
            page.wait_for_timeout(500)
            with course.open_gradebook(project) as gb:
                grade = gb.find_grade("answer-YM-JD-01", exam, exam, "c01")
                comment = gb.find_comment("answer-YM-JD-01", exam, exam, "c01")
                saved = (grade.manual_score, comment.manual_comment)
            if saved == (4, "要点基本齐全"):
                break
        score.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"formgrader-{gradebook_backend}.png"))
    assert saved == (4, "要点基本齐全")


def test_essay_marking_notebook_in_jupyterlab(tmp_path):
    """The marking notebook in a real JupyterLab: rubric checkboxes add up, 保存本题评分 writes the gradebook."""
    import json
    import shutil
    import sqlite3

    import yaml

    from qingfeng.demo.simulate import write_submission
    from qingfeng.exam import course
    from qingfeng.exam.fast_marking import mark_exam
    from qingfeng.project import find_project

    from .exam_course import copy_project

    SHOTS.mkdir(exist_ok=True)
    project = find_project(copy_project(tmp_path / "proj"))
    exam = "2026-q4"
    course.build_exam(project, "yumin-sample", exam)
    course.generate(project, exam)
    released = json.loads((project.exams_dir / "release" / exam / f"{exam}.ipynb").read_text(encoding="utf-8"))
    answers = yaml.safe_load((REPO / "tests" / "data" / "essays" / "answers.yaml").read_text(encoding="utf-8"))["answers"]
    for n, a in enumerate(a for a in answers if a["item"] == "YM-JD-01"):
        write_submission(released, project.exams_dir, exam, f"k{n:02d}", {}, {"YM-JD-01": a["text"]})
    mark_exam(project, exam)
    (project.root / "grading").mkdir(exist_ok=True)
    shutil.copy(REPO / "grading" / "简答论述评分.ipynb", project.root / "grading" / "简答论述评分.ipynb")
    with jupyterlab(project.root, tmp_path) as (base, token), browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(f"{base}/lab/tree/{quote('grading/简答论述评分.ipynb')}?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], .jp-mod-idle", timeout=60_000, state="attached")
        first = page.locator(".widget-vbox", has_text="k00").last
        run_all(page, first, timeout=120_000,
                on_retry=lambda attempt: page.screenshot(path=str(SHOTS / f"essay-marking-retry-{attempt}.png"), full_page=True))
        assert "评分建议（仅供参考，不会自动记分）" in first.inner_text()
        first.locator("input[type=checkbox]").nth(0).check()
        first.locator("input[type=checkbox]").nth(2).check()
        page.wait_for_timeout(500)
        assert first.locator("input[type=number]").input_value() == "2"
        page.locator(".widget-vbox", has_text="评分要点").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "essay-marking.png"), full_page=False)
        page.locator("button", has_text="保存本题评分").click()
        page.get_by_text("已保存 1 份的得分").wait_for(timeout=30_000)
        page.locator(".widget-vbox", has_text="k00").last.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "essay-marking-saved.png"), full_page=False)
    con = sqlite3.connect(project.exams_dir / "gradebook.db")
    marks = dict(con.execute("""SELECT sa.student_id, g.manual_score FROM grade g JOIN base_cell b ON b.id = g.cell_id
                                JOIN submitted_notebook sn ON sn.id = g.notebook_id JOIN submitted_assignment sa ON sa.id = sn.assignment_id
                                WHERE b.name = 'answer-YM-JD-01'""").fetchall())
    con.close()
    assert marks["k00"] == 2 and marks["k01"] is None
