"""Generated exam material (keys, sources, releases, submissions, gradebooks …) never reaches git."""
from __future__ import annotations

import subprocess

import pytest

from .conftest import REPO

IGNORED = [
    "exams/keys/2026-q4.json", "exams/keys/yumin-sample.json", "exams/source/2026-q4/2026-q4.ipynb",
    "exams/release/2026-q4/2026-q4.ipynb", "exams/submitted/c01/2026-q4/2026-q4.ipynb",
    "exams/autograded/c01/2026-q4/2026-q4.ipynb", "exams/feedback/c01/2026-q4/2026-q4.html",
    "exams/exchange/qingfeng/inbound/c01+2026-q4+x/2026-q4.ipynb", "exams/gradebook.db",
    "exams/gradebook.db.bak-20261201-101010-000001", "exams/roster.csv", "exams/sittings/2026-q4.json",
    "exams/printed/2026-q4-a-试卷.docx", "2026-q4/2026-q4.ipynb", "2026-q4-a/feedback/x/2026-q4-a.html",
    "candidates/c01/2026-q4/2026-q4.ipynb",
]
KEPT = ["exams/bank/yumin_sample.yaml", "exams/blueprints/district-quarterly.yaml", "exams/nbgrader_config.py",
        "courses/01_五类廉政风险.ipynb", "grading/考试统计.ipynb", "src/qingfeng/exam/keys.py", "tests/data/x.yaml"]


def _ignored(paths: list[str]) -> set[str]:
    proc = subprocess.run(["git", "check-ignore", "--no-index", "-z", "--stdin"], cwd=REPO, input="\0".join(paths),
                          capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    return {p for p in proc.stdout.split("\0") if p}


@pytest.mark.parametrize("path", IGNORED)
def test_generated_material_is_ignored(path):
    assert _ignored([path]) == {path}


def test_project_files_are_not_ignored():
    assert _ignored(KEPT) == set()
