"""A timed paper in a real browser (chromium + JupyterLab 4): countdown, warning, submission at zero, read-only after.

The sitting opened 20 s before the test and closes 100 s after it began (2 minutes long,
capped by closing), so the countdown reaches zero during the test by the server's real clock.  The candidate answers one item, sees
剩余时间 mm:ss and the 1-minute warning, and at zero the paper is saved and submitted
by itself through nbgrader; it is then read-only, and stays so when reopened.  The
examiner collects it and marks it on time (within the grace).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from qingfeng.cli.main import cli
from qingfeng.exam import course
from qingfeng.exam.fast_marking import mark_exam
from qingfeng.exam.schedule import SHANGHAI
from qingfeng.exam.sitting_record import RECORD_FILE
from qingfeng.exam.timed_sitting import declare_schedule
from qingfeng.project import find_project

from .browser import browser, jupyterlab
from .exam_course import candidate_env, candidate_home, copy_project, fetched_home

pytestmark = [pytest.mark.slow, pytest.mark.browser]
EXAM = "yumin-sample"
SHOTS = Path("/tmp/qingfeng-screenshots")


def _candidate(tmp_path, schedule):
    root = copy_project(tmp_path / "proj")
    project = find_project(root)
    course.build_exam(project, EXAM, EXAM)
    schedule(root, project)
    course.generate(project, EXAM)
    course.release(project, EXAM)
    home, exchange = fetched_home(tmp_path, project, EXAM)
    candidate_home(home, exchange)
    env = candidate_env(tmp_path, home)
    return project, home, env


@pytest.fixture
def timed_candidate(tmp_path):
    """Opened 20 s ago, 2 minutes long, closing 100 s from now: closing caps every deadline, so the
    countdown reaches zero well within the test (set to the second: the library, not the CLI's minutes;
    building, releasing and fetching the paper and starting JupyterLab take part of those 100 s)."""
    def schedule(_root, project):
        now = dt.datetime.now(SHANGHAI).replace(microsecond=0)
        windows = declare_schedule(project, EXAM, now - dt.timedelta(seconds=20), now + dt.timedelta(seconds=100), 2,
                                   late="refuse", force=True)
        assert windows[0].deadline(now) == now + dt.timedelta(seconds=100)

    return _candidate(tmp_path, schedule)


@pytest.fixture
def early_candidate(tmp_path):
    """Opens tomorrow, scheduled as an examiner does it (qingfeng exam schedule)."""
    def schedule(root, _project):
        opens = dt.datetime.now(SHANGHAI) + dt.timedelta(days=1)
        r = CliRunner().invoke(cli, ["--root", str(root), "exam", "schedule", EXAM, "--opens", opens.strftime("%Y-%m-%d %H:%M"),
                                     "--duration", "90", "--closes", (opens + dt.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"),
                                     "--late", "refuse", "--force"])
        assert r.exit_code == 0 and "限时 90 分钟" in r.output, r.output

    return _candidate(tmp_path, schedule)


def _seconds(text: str) -> int:
    m = re.search(r"剩余时间 (\d\d):(\d\d)", text)
    assert m, text
    return int(m.group(1)) * 60 + int(m.group(2))


def test_countdown_submits_at_zero_and_locks_the_paper(timed_candidate, tmp_path):
    SHOTS.mkdir(exist_ok=True)
    project, home, env = timed_candidate
    url = None
    with jupyterlab(home, tmp_path, env) as (base, token), browser() as b:
        page = b.new_page(viewport={"width": 1300, "height": 900})
        url = f"{base}/lab/tree/{quote(EXAM)}/{quote(EXAM)}.ipynb?token={token}"
        page.goto(url)
        timer = page.locator(".qf-bar .qf-slot[data-slot=timer]")
        timer.locator("text=剩余时间").wait_for(timeout=90_000)
        left = _seconds(timer.inner_text())
        assert 20 < left <= 100
        record = json.loads((home / EXAM / RECORD_FILE).read_text(encoding="utf-8"))
        assert record["exam_id"] == EXAM and record["started"]  # recorded by the server on opening
        form = page.locator(".qf-form[data-item='YM-XZ-01']")
        form.scroll_into_view_if_needed()
        form.locator("input[type=radio][value='A']").check()
        page.wait_for_selector(".qf-status:has-text('已自动保存')", timeout=30_000)
        page.screenshot(path=str(SHOTS / "timed-countdown.png"))

        page.locator(".qf-banner.qf-warning:has-text('距考试结束还有 1 分钟')").wait_for(timeout=(left + 5) * 1000)
        assert "qf-timer-last" in timer.get_attribute("class")
        page.screenshot(path=str(SHOTS / "timed-warning.png"))

        done = page.locator(".jp-Dialog .qf-submitted")
        done.wait_for(timeout=90_000)
        message = done.inner_text()
        assert "考试时间到，系统已自动保存并提交" in message and "提交成功" in message and "北京时间" in message
        page.screenshot(path=str(SHOTS / "timed-auto-submitted.png"))
        page.locator(".jp-Dialog button", has_text="知道了").click()

        banner = page.locator(".qf-banner.qf-locked")
        assert "已提交，试卷已锁定" in banner.inner_text()
        assert form.locator("input[type=radio][value='B']").is_disabled()
        assert page.locator(".qf-bar button.qf-submit").is_disabled()
        assert timer.inner_text() == "已交卷"

        page.goto(url)  # reopened: still read-only
        page.locator(".qf-banner.qf-locked:has-text('已提交，试卷已锁定')").wait_for(timeout=90_000)
        form = page.locator(".qf-form[data-item='YM-XZ-01']")
        form.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        assert form.locator("input[type=radio][value='A']").is_checked()
        assert form.locator("input[type=radio][value='C']").is_disabled()
        assert page.locator(".jp-Notebook .qf-form textarea").first.is_disabled()
        page.screenshot(path=str(SHOTS / "timed-reopened-locked.png"))

    inbound = project.exams_dir / "exchange" / "qingfeng" / "inbound"
    submissions = sorted(inbound.glob(f"c01+{EXAM}+*"))
    assert len(submissions) == 1
    sent = json.loads((submissions[0] / RECORD_FILE).read_text(encoding="utf-8"))
    assert sent["started"] == record["started"]  # the start travels with the paper
    mine = json.loads((home / EXAM / RECORD_FILE).read_text(encoding="utf-8"))
    assert mine["automatic"] is True and len(mine["submitted"]) == 1  # what keeps the paper locked on reopening

    course.collect(project, EXAM)
    report = mark_exam(project, EXAM, workers=1)
    assert report.marked == ["c01"] and report.item_scores["c01"]["YM-XZ-01"] == 1.0
    late = report.lateness["c01"]
    assert not late.late and late.counted  # submitted at zero: on time, within the grace


def test_before_opening_the_paper_says_so_and_cannot_be_answered(early_candidate, tmp_path):
    SHOTS.mkdir(exist_ok=True)
    project, home, env = early_candidate
    with jupyterlab(home, tmp_path, env) as (base, token), browser() as b:
        page = b.new_page(viewport={"width": 1300, "height": 900})
        page.goto(f"{base}/lab/tree/{quote(EXAM)}/{quote(EXAM)}.ipynb?token={token}")
        banner = page.locator(".qf-banner.qf-waiting")
        banner.wait_for(timeout=90_000)
        text = banner.inner_text()
        assert "考试尚未开始" in text and "开考时间" in text and "（北京时间）" in text and "考试时长 90 分钟" in text
        assert page.locator(".qf-bar .qf-slot[data-slot=timer]").inner_text() == "考试尚未开始"
        form = page.locator(".qf-form[data-item='YM-XZ-01']")
        form.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        assert form.locator("input[type=radio][value='A']").is_disabled()
        assert page.locator(".qf-bar button.qf-submit").is_disabled()
        assert "自动保存" not in page.locator(".qf-bar .qf-status").inner_text()  # nothing to answer yet
        page.screenshot(path=str(SHOTS / "timed-not-yet-open.png"))
    assert not (home / EXAM / RECORD_FILE).exists()  # opening before the sitting opens starts no clock
