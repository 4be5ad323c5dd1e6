"""No candidate and no spreadsheet can corrupt an exam: the marking path.

Every cheat from the security review (tests/hostile_submissions.py) is
submitted to a course copy and marked through the real CLI.  Each test
asserts the fixed behaviour, that the cheat's side effect did not happen,
and that the key's checksum is unchanged.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from qingfeng.exam import course
from qingfeng.exam.keys import read_key
from qingfeng.project import find_project

from .exam_course import copy_project
from .hostile_submissions import Hostile, apply, hostile_submissions

pytestmark = pytest.mark.slow
EXAM = "yumin-sample"
FIRST = "YM-TK-01"
FUTURE = dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PERFECT = {"YM-XZ-01": '作答 = "A"', "YM-XZ-02": '作答 = "A"', "YM-PD-07": '作答 = "错"'}  # 3 points, worked out by hand


def qingfeng(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qingfeng", "--root", str(root), *args], capture_output=True, text=True,
                          env={**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]})


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def submit(project, name: str, nb: dict) -> None:
    folder = project.exams_dir / "submitted" / name / EXAM
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{EXAM}.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    (folder / "timestamp.txt").write_text("2026-11-20 09:30:00.000000 UTC", encoding="utf-8")
    (folder / "submission_secret.txt").write_text(hashlib.md5(name.encode()).hexdigest(), encoding="utf-8")  # as nbgrader submit writes


def released(project) -> dict:
    return json.loads((project.exams_dir / "release" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))


def grades(project) -> dict:
    con = sqlite3.connect(project.exams_dir / "gradebook.db")
    rows = con.execute("""SELECT sa.student_id, b.name, g.auto_score, g.manual_score FROM grade g JOIN base_cell b ON b.id = g.cell_id
                          JOIN submitted_notebook sn ON sn.id = g.notebook_id JOIN submitted_assignment sa ON sa.id = sn.assignment_id""")
    out = {(s, n): (a, m) for s, n, a, m in rows}
    con.close()
    return out


def objective_total(project, student: str) -> float:
    return sum(a or 0 for (s, n), (a, _) in grades(project).items() if s == student and n.startswith("test-"))


def essay_points(project, student: str) -> float:
    return sum((m or 0) + (a or 0) for (s, n), (a, m) in grades(project).items() if s == student and n.startswith("answer-"))


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """A course with one honest paper and every hostile one, marked by `qingfeng exam autograde`."""
    base = tmp_path_factory.mktemp("hostile")
    project = find_project(copy_project(base / "proj"))
    course.build_exam(project, EXAM, EXAM, deadline=FUTURE)
    course.generate(project, EXAM)
    (project.exams_dir / "exchange").mkdir(mode=0o777)
    course.release(project, EXAM)
    markers = base / "markers"
    markers.mkdir()
    key_file = project.exams_dir / "keys" / f"{EXAM}.json"
    key_sha = sha(key_file)
    rel = released(project)
    variants = {h.name: h for h in hostile_submissions(EXAM, FIRST, str(markers))}
    for h in variants.values():
        submit(project, h.name, apply(rel, h))
    submit(project, "honest", apply(rel, Hostile("honest", PERFECT, runs_code=False)))
    run = qingfeng(project.root, "exam", "autograde", EXAM)
    return project, run, variants, markers, key_file, key_sha


def _no_side_effect(attacked, name: str) -> None:
    project, _, _, markers, key_file, key_sha = attacked
    assert not (markers / name).exists(), f"{name} ran"
    assert sha(key_file) == key_sha


def test_autograde_marks_statically_and_reports(attacked):
    project, run, variants, markers, *_ = attacked
    assert run.returncode == 0, run.stderr
    assert "自动评分完成" in run.stdout and "成绩库已先备份到" in run.stdout
    assert objective_total(project, "honest") == 3.0
    assert list(markers.iterdir()) == []


def test_ast_node_interactivity_none_gives_no_marks(attacked):
    project, *_ = attacked
    assert objective_total(project, "h-interactivity") == 0.0
    _no_side_effect(attacked, "h-interactivity")


@pytest.mark.parametrize("variant", ["h-patch-mark", "h-patch-score", "h-rewrite-own-notebook"])
def test_patching_the_scorer_or_rewriting_the_notebook_gives_no_marks(attacked, variant):
    project, *_ = attacked
    assert objective_total(project, variant) == 0.0
    _no_side_effect(attacked, variant)
    nb = json.loads((project.exams_dir / "submitted" / variant / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))
    assert all('作答 = ""' in "".join(c["source"]) or c["metadata"].get("nbgrader", {}).get("grade_id") != "answer-YM-XZ-01"
               for c in nb["cells"])  # the submission itself was not rewritten


def test_key_rewrite_from_candidate_cell_is_detected_and_key_checksum_unchanged(attacked, tmp_path):
    project, _, _, _, key_file, key_sha = attacked
    _no_side_effect(attacked, "h-rewrite-key")
    assert read_key(project.exams_dir, EXAM).total == 100
    # and a key changed by anyone stops every marking run, naming the file
    import shutil

    copy = find_project(shutil.copytree(project.root, tmp_path / "changed"))
    changed = copy.exams_dir / "keys" / f"{EXAM}.json"
    data = json.loads(changed.read_text(encoding="utf-8"))
    data["items"][0]["entry"]["points"] = 99
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = grades(copy)
    sheet = tmp_path / "答题卡.csv"
    sheet.write_text("编号,选择1\nhonest,A\n", encoding="utf-8")
    for args in (("mark", EXAM), ("exam", "autograde", EXAM), ("exam", "feedback", EXAM), ("mark", EXAM, "--sheets", str(sheet)),
                 ("exam", "grade", EXAM, "honest", "简答1", "3")):
        r = qingfeng(copy.root, *args)
        assert r.returncode != 0 and "被改动过" in r.stderr and str(changed) in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr
    assert grades(copy) == before


def test_printed_key_never_reaches_feedback(attacked):
    project, *_ = attacked
    _no_side_effect(attacked, "h-print-key")
    course.generate_feedback(project, EXAM)
    html = (project.exams_dir / "feedback" / "h-print-key" / EXAM / f"{EXAM}.html").read_text(encoding="utf-8")
    key = read_key(project.exams_dir, EXAM)
    secrets = {k.explanation[:30] for k in key.items} | {p for k in key.items for p, _ in k.rubric}
    assert [s for s in secrets if s and s in html] == []
    assert "answer_text" not in html and "schema_version\": 1" not in html


def test_gradebook_write_from_candidate_cell_awards_no_essay_points(attacked):
    project, *_ = attacked
    _no_side_effect(attacked, "h-write-gradebook")
    assert essay_points(project, "h-write-gradebook") == 0.0
    assert all(m is None or m == 0 for (s, n), (_, m) in grades(project).items() if n.startswith("answer-"))
    r = qingfeng(project.root, "mark", EXAM)  # re-marking keeps it that way
    assert r.returncode == 0 and essay_points(project, "h-write-gradebook") == 0.0


def test_os_system_and_popen_never_run_and_nothing_outlives_marking(attacked):
    _no_side_effect(attacked, "h-os-system")
    sleepers = subprocess.run(["pgrep", "-f", "sleep 3141[56]"], capture_output=True, text=True).stdout.split()
    assert sleepers == []


def test_grade_true_on_answer_cell_is_marked_as_the_source_says_and_feedback_works_for_everyone(attacked):
    project, run, *_ = attacked
    assert "结构被改动：考生 h-grade-true 的 answer-YM-TK-01：评分格(grade)：应为 False，提交中为 True" in run.stderr
    assert "分值(points)：应为 0，提交中为 50" in run.stderr
    graded = json.loads((project.exams_dir / "autograded" / "h-grade-true" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in graded["cells"] if c["metadata"]["nbgrader"]["grade_id"] == f"answer-{FIRST}")
    assert cell["metadata"]["nbgrader"]["grade"] is False and "points" not in cell["metadata"]["nbgrader"]
    r = qingfeng(project.root, "exam", "feedback", EXAM)
    assert r.returncode == 0, r.stderr
    assert (project.exams_dir / "feedback" / "h-grade-true" / EXAM / f"{EXAM}.html").is_file()
    assert (project.exams_dir / "feedback" / "honest" / EXAM / f"{EXAM}.html").is_file()


def test_key_source_gradebook_backups_and_autograded_are_private(attacked):
    project, *_ = attacked
    ex = project.exams_dir
    files = [ex / "keys" / f"{EXAM}.json", ex / "keys" / f"{EXAM}.sha256", ex / "source" / EXAM / f"{EXAM}.ipynb",
             ex / "gradebook.db", *ex.glob("gradebook.db.bak-*"), ex / "autograded" / "honest" / EXAM / f"{EXAM}.ipynb"]
    assert len(files) >= 6
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    for d in (ex / "keys", ex / "source"):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d


_FORMGRADER_AUTOGRADE = """
import json, sys
from nbgrader.apps import NbGrader, NbGraderAPI
from nbgrader.coursedir import CourseDirectory
app = NbGrader()
app.load_config_file()  # the course's nbgrader_config.py, as Formgrader loads it
api = NbGraderAPI(CourseDirectory(config=app.config), config=app.config)
print(json.dumps([api.autograde(sys.argv[1], s)["success"] for s in sys.argv[2:]]))
"""


def test_nbgrader_autograde_typed_in_the_course_or_from_formgrader_runs_no_candidate_code(attacked, tmp_path):
    """The examiner's own `nbgrader autograde` and Formgrader's autograde button (nbgrader's API) use the
    course's config: every paper marked without running it, the same scores as `qingfeng mark`."""
    import shutil

    project, _, variants, markers, key_file, key_sha = attacked
    static = {k: v for k, v in grades(project).items() if k[1].startswith("test-")}
    copy = find_project(shutil.copytree(project.root, tmp_path / "typed"))
    con = sqlite3.connect(copy.exams_dir / "gradebook.db")
    with con:  # every automatic score is nbgrader's own from here on
        con.execute("UPDATE grade SET auto_score = -1")
    con.close()
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    typed = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", EXAM, "--force", "--create"],
                           cwd=copy.exams_dir, capture_output=True, text=True, env=env)
    # nbgrader's own sanitising step (OverwriteCells) refuses the paper whose answer cell claims grade: true
    # (`qingfeng mark` marks it as the source says and lists the tampering); every other paper is marked
    failed = [line for line in typed.stderr.splitlines() if "There was an error processing assignment 'yumin-sample' for" in line]
    assert failed == ["[AutogradeApp | ERROR] There was an error processing assignment 'yumin-sample' for student 'h-grade-true'"]
    assert typed.stderr.count("不运行考生代码") == len(variants)  # the other papers and the honest one
    assert list(markers.iterdir()) == [] and sha(key_file) == key_sha
    assert {k: v for k, v in grades(copy).items() if k[1].startswith("test-") and k[0] != "h-grade-true"} == {
        k: v for k, v in static.items() if k[0] != "h-grade-true"}
    assert objective_total(copy, "h-interactivity") == 0.0 and objective_total(copy, "honest") == 3.0
    button = subprocess.run([sys.executable, "-c", _FORMGRADER_AUTOGRADE, EXAM, "h-interactivity", "h-os-system", "honest"],
                            cwd=copy.exams_dir, capture_output=True, text=True, env=env)
    assert button.returncode == 0 and json.loads(button.stdout.splitlines()[-1]) == [True, True, True], button.stderr[-2000:]
    assert list(markers.iterdir()) == [] and objective_total(copy, "h-interactivity") == 0.0
    assert objective_total(copy, "honest") == 3.0
