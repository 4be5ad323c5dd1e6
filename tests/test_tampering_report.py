"""Structural tampering beyond `grade: true`: marked as the examiner's source says, and listed in the run's output.

Every candidate below types the same answers as ``honest`` (tests/test_marking_security.py PERFECT, 3 points)
and changes the structure of the released paper in one way.  One `qingfeng mark` run marks them all.
"""
from __future__ import annotations

import copy
import json

import pytest

from qingfeng.exam import course
from qingfeng.project import find_project

from .exam_course import copy_project
from .hostile_submissions import Hostile, apply
from .test_marking_security import EXAM, FUTURE, PERFECT, objective_total, qingfeng, released, submit

pytestmark = pytest.mark.slow
ANSWER, TEST = "answer-YM-XZ-01", "test-YM-XZ-01"  # an item PERFECT answers correctly


def _gid(cell: dict) -> str:
    return cell["metadata"].get("nbgrader", {}).get("grade_id", "")


def _index(nb: dict, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if _gid(c) == grade_id)


def _answer_cell_made_markdown(nb: dict) -> dict:
    cell = nb["cells"][_index(nb, ANSWER)]
    cell["cell_type"] = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)
    return nb


def _test_cell_unlocked_and_made_a_solution(nb: dict) -> dict:
    nb["cells"][_index(nb, TEST)]["metadata"]["nbgrader"].update(locked=False, solution=True)
    return nb


def _extra_cell_claiming_points(nb: dict) -> dict:
    extra = {"cell_type": "code", "execution_count": None, "outputs": [], "source": '作答 = "A"',
             "metadata": {"nbgrader": {"grade": True, "grade_id": "test-bonus", "points": 50, "locked": False,
                                       "solution": True, "task": False, "schema_version": 3}}}
    nb["cells"].insert(_index(nb, ANSWER) + 1, extra)
    return nb


def _test_cell_duplicated(nb: dict) -> dict:
    i = _index(nb, TEST)
    nb["cells"].insert(i + 1, copy.deepcopy(nb["cells"][i]))  # the same item's points claimed twice
    return nb


TAMPERED = {"t-cell-type": _answer_cell_made_markdown, "t-test-flags": _test_cell_unlocked_and_made_a_solution,
            "t-extra-cell": _extra_cell_claiming_points, "t-duplicate-id": _test_cell_duplicated}


@pytest.fixture(scope="module")
def tampered(tmp_path_factory):
    """A released course with the honest paper and every tampered one, marked once by `qingfeng mark`."""
    project = find_project(copy_project(tmp_path_factory.mktemp("tampering") / "proj"))
    course.build_exam(project, EXAM, EXAM, deadline=FUTURE)
    course.generate(project, EXAM)
    honest = apply(released(project), Hostile("honest", PERFECT, runs_code=False))
    submit(project, "honest", honest)
    for name, change in TAMPERED.items():
        submit(project, name, change(copy.deepcopy(honest)))
    return project, qingfeng(project.root, "mark", EXAM)


def _autograded(project, student: str) -> dict:
    path = project.exams_dir / "autograded" / student / EXAM / f"{EXAM}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("student", list(TAMPERED))
def test_tampered_structure_is_marked_as_the_source_says(tampered, student):
    project, run = tampered
    assert run.returncode == 0, run.stderr
    assert objective_total(project, "honest") == 3.0
    assert objective_total(project, student) == objective_total(project, "honest")
    # the notebook formgrader shows has the source's cells only, exactly as for the honest paper
    assert _autograded(project, student)["cells"] == _autograded(project, "honest")["cells"]


def _lines(run, student: str) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith(f"结构被改动：考生 {student} 的 ")]


def test_answer_cell_changed_to_markdown_is_listed(tampered):
    _, run = tampered
    assert _lines(run, "t-cell-type") == [f"结构被改动：考生 t-cell-type 的 {ANSWER}：格类型：应为 code，提交中为 markdown（已按源试卷评分）"]


def test_test_cell_locked_and_solution_flags_flipped_are_listed(tampered):
    _, run = tampered
    assert sorted(_lines(run, "t-test-flags")) == sorted([
        f"结构被改动：考生 t-test-flags 的 {TEST}：作答格(solution)：应为 False，提交中为 True（已按源试卷评分）",
        f"结构被改动：考生 t-test-flags 的 {TEST}：锁定(locked)：应为 True，提交中为 False（已按源试卷评分）"])


def test_extra_cell_claiming_grade_and_points_under_a_new_id_is_listed(tampered):
    _, run = tampered
    assert _lines(run, "t-extra-cell") == [
        "结构被改动：考生 t-extra-cell 的 test-bonus：源试卷中没有这个评分格（提交中多出的格），已忽略（已按源试卷评分）"]


def test_honest_paper_lists_no_tampering(tampered):
    _, run = tampered
    assert _lines(run, "honest") == []


def test_duplicated_grade_id_is_listed(tampered):
    _, run = tampered
    lines = _lines(run, "t-duplicate-id")
    assert len(lines) == 1 and f"的 {TEST}：" in lines[0] and "提交中有 2 个（复制出的格），按最后一个评分" in lines[0], lines
