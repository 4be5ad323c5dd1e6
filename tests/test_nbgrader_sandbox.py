"""`qingfeng exam autograde --nbgrader-check`: real nbgrader, only in a throw-away sandbox, never recorded."""
from __future__ import annotations

import json
import os
import pwd
import subprocess

import pytest

from qingfeng.exam import course, sandbox
from qingfeng.project import find_project

from .exam_course import copy_project
from .hostile_submissions import Hostile, apply, hostile_submissions
from .test_marking_security import EXAM, FIRST, FUTURE, PERFECT, grades, objective_total, qingfeng, released, sha, submit

pytestmark = pytest.mark.slow
CHEATS = ("h-interactivity", "h-rewrite-key", "h-os-system")  # a few: each paper starts a kernel


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.fail("the sandbox test needs root (it creates a throw-away user)")
    base = tmp_path_factory.mktemp("sandbox")
    project = find_project(copy_project(base / "proj"))
    course.build_exam(project, EXAM, EXAM, deadline=FUTURE)
    course.generate(project, EXAM)
    markers = base / "markers"
    markers.mkdir()
    rel = released(project)
    for h in hostile_submissions(EXAM, FIRST, str(markers)):
        if h.name in CHEATS:
            submit(project, h.name, apply(rel, h))
    submit(project, "honest", apply(rel, Hostile("honest", PERFECT, runs_code=False)))
    key = project.exams_dir / "keys" / f"{EXAM}.json"
    key_sha = sha(key)
    run = qingfeng(project.root, "exam", "autograde", EXAM, "--nbgrader-check")
    return project, run, key, key_sha, markers


def test_nbgrader_check_reports_each_difference_in_chinese(checked):
    project, run, *_ = checked
    assert run.returncode != 0
    assert "考生 h-interactivity 第 YM-XZ-01 题：nbgrader 沙箱评分 1 分，静态评分 0 分" in run.stderr
    assert "考生 honest" not in run.stderr  # an honest paper gets the same scores both ways
    assert "成绩库中记录的是静态评分，沙箱结果未记入" in run.stderr


def test_sandbox_results_never_reach_the_real_gradebook_and_the_key_is_unchanged(checked):
    project, run, key, key_sha, markers = checked
    assert objective_total(project, "h-interactivity") == 0.0 and objective_total(project, "honest") == 3.0
    assert sha(key) == key_sha
    assert json.loads(key.read_text(encoding="utf-8"))["items"][0]["entry"]["points"] != 99
    assert list(markers.iterdir()) == []  # /tmp is hidden inside the sandbox: its writes went nowhere


def test_sandbox_leaves_no_user_no_copy_and_no_process(checked):
    assert [u.pw_name for u in pwd.getpwall() if u.pw_name.startswith(sandbox.USER_PREFIX)] == []
    assert not sandbox.SANDBOX_BASE.exists() or list(sandbox.SANDBOX_BASE.iterdir()) == []
    assert subprocess.run(["pgrep", "-f", "sleep 30[01]"], capture_output=True).stdout == b""


def test_nbgrader_check_refuses_without_root_in_chinese(checked, monkeypatch):
    project, *_ = checked
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(sandbox.SandboxRefused, match="需要以 root 运行"):
        sandbox.nbgrader_check(project, EXAM)
