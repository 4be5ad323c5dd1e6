"""Issue 6: `qingfeng mark` gives nbgrader autograde's scores without running anything."""
from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from qingfeng.demo.simulate import Candidate, simulate_answers, write_submission
from qingfeng.exam import course
from qingfeng.exam.fast_marking import mark_exam
from qingfeng.exam.keys import read_key
from qingfeng.project import find_project

from .exam_course import copy_project
from .gradebooks import Backend

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]  # once per gradebook backend: 37 papers through nbgrader (SQLite), 17 (PostgreSQL)
EXAM = "yumin-sample"


def _grades(project) -> dict:
    """Every grade and comment row (same query on SQLite and PostgreSQL)."""
    from sqlalchemy import text

    from qingfeng.exam.gradebook_db import connect, locate

    con = connect(locate(project), readonly=True)
    q = text("""SELECT sa.student_id, b.name, g.auto_score, g.manual_score, g.needs_manual_grade FROM grade g
           JOIN base_cell b ON b.id = g.cell_id JOIN submitted_notebook sn ON sn.id = g.notebook_id
           JOIN submitted_assignment sa ON sa.id = sn.assignment_id""")
    out = {(r[0], r[1]): (r[2], r[3], bool(r[4])) for r in con.execute(q)}
    out.update({("comment", r[0], r[1]): tuple(r[2:]) for r in con.execute(text(
        """SELECT sa.student_id, b.name, c.auto_comment, c.manual_comment FROM comment c JOIN base_cell b ON b.id = c.cell_id
           JOIN submitted_notebook sn ON sn.id = c.notebook_id JOIN submitted_assignment sa ON sa.id = sn.assignment_id"""))})
    con.close()
    return out


def _released(project):
    return json.loads((project.exams_dir / "release" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))


def _edit_cells(folder: Path, fn) -> None:
    path = folder / f"{EXAM}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"] = fn(nb["cells"])
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def _to_markdown(cell):
    """What JupyterLab's 'change cell type' does: no outputs, no execution count."""
    return {k: v for k, v in cell.items() if k not in ("outputs", "execution_count")} | {"cell_type": "markdown"}


def _gid(c):
    return c["metadata"].get("nbgrader", {}).get("grade_id", "")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, gradebook_backend: Backend):
    base = tmp_path_factory.mktemp(f"equiv-{gradebook_backend}")
    root = copy_project(base / "proj", gradebook_backend)
    project = find_project(root)
    course.build_exam(project, EXAM, EXAM)
    course.generate(project, EXAM)
    key = read_key(project.exams_dir, EXAM)
    released = _released(project)
    marker = base / "side-effect-happened"
    rng = random.Random(7)
    students = []
    # 32 simulated papers (abilities 0.15…0.95, every item type, 6 % careless typing: about 1,900 item scores)
    # give the scoring its variety; on PostgreSQL (the same scoring, another store) 12 of them and every
    # broken paper below show the gradebook holds what nbgrader's holds (each paper costs nbgrader ~2.5 s)
    count = 32 if gradebook_backend.name == "sqlite" else 12
    for n in range(count):
        cand = Candidate(f"s{n:03d}", ability=0.15 + 0.8 * n / (count - 1), sloppiness=0.4)
        answers = simulate_answers(key, cand, rng, trouble=0.06, marker=str(marker))
        essays = {"YM-JD-01": "教育、制度、监督不到位。"} if n % 3 == 0 else {}
        write_submission(released, project.exams_dir, EXAM, cand.id, answers, essays)
        students.append(cand.id)
    sub = project.exams_dir / "submitted"
    # the rest of the ways people break a paper
    write_submission(released, project.exams_dir, EXAM, "x-code", {k.entry.item_id: f'import os\nos.system("touch {marker}")\n作答 = "A"' for k in key.items if k.entry.type != "简答" and k.entry.type != "论述"})
    write_submission(released, project.exams_dir, EXAM, "x-deleted", {})
    _edit_cells(sub / "x-deleted" / EXAM, lambda cells: [c for c in cells if not _gid(c).startswith(("answer-YM-TK", "answer-YM-XZ-0"))])
    write_submission(released, project.exams_dir, EXAM, "z-dup", {"YM-XZ-01": '作答 = "A"', "YM-PD-07": '作答 = "错"'})
    _edit_cells(sub / "z-dup" / EXAM, lambda cells: cells + [dict(c, source='作答 = "B"') for c in cells if _gid(c) == "answer-YM-XZ-01"])
    write_submission(released, project.exams_dir, EXAM, "x-markdown", {"YM-XZ-02": '作答 = "A"', "YM-XZ-03": '作答 = "D"'})
    _edit_cells(sub / "x-markdown" / EXAM, lambda cells: [_to_markdown(c) if _gid(c) == "answer-YM-XZ-02" else c for c in cells])
    write_submission(released, project.exams_dir, EXAM, "x-huge", {"YM-TK-08": '作答 = "' + "思想道德" * 250_000 + '"', "YM-XZ-04": '作答 = "B"'})
    students += ["x-code", "x-deleted", "z-dup", "x-markdown", "x-huge"]
    # two copies: one for nbgrader autograde, one for qingfeng mark
    nbg = base / "nbgrader-copy"
    gradebook_backend.clone(root, nbg)
    return project, find_project(nbg), students, marker, gradebook_backend


@pytest.fixture(scope="module")
def both_marked(prepared):
    fast, slow, students, marker, _ = prepared
    report = mark_exam(fast, EXAM)
    side_effect_after_mark = marker.exists()
    # the real nbgrader, which does run the code cells; it cannot mark a paper with a duplicated
    # (and it stops at that paper, so z-dup is named to sort last)
    # answer cell at all (its DeduplicateIds empties the earlier copy's metadata, then validation fails)
    with pytest.raises(course.NbgraderError) as failed:
        course.nbgrader_autograde(slow, EXAM)  # simulated papers on a throw-away copy
    assert "z-dup" in str(failed.value)
    course.settle_rubric_cells(slow, EXAM)
    return fast, slow, students, marker, report, side_effect_after_mark


def test_scores_equal_nbgrader_autograde_for_every_item(both_marked):
    fast, slow, students, *_ = both_marked
    a, b = _grades(fast), _grades(slow)
    assert len({k[0] for k in a if k[0] != "comment"}) == len(students) >= 17   # 55 on SQLite, 17 on PostgreSQL
    dup = {k: v for k, v in a.items() if "z-dup" in k}
    a = {k: v for k, v in a.items() if "z-dup" not in k}
    b = {k: v for k, v in b.items() if "z-dup" not in k}  # nbgrader created the rows, then failed
    assert set(a) == set(b)
    # where nbgrader gives up, we follow its stated rule (last copy wins): the appended "B" scores 0
    assert dup[("z-dup", "test-YM-XZ-01")][0] == 0.0 and dup[("z-dup", "test-YM-PD-07")][0] == 1.0
    diff = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert diff == {}


def test_candidate_code_never_runs_in_qingfeng_mark(both_marked):
    *_, marker, report, side_effect_after_mark = both_marked
    assert side_effect_after_mark is False
    assert marker.exists()  # nbgrader autograde did run it: the cell really was live code
    assert "x-code" in report.not_literal and len(report.not_literal["x-code"]) == 28


def test_feedback_and_formgrader_work_after_fast_marking(both_marked):
    fast, *_ = both_marked
    course.set_manual_grade(fast, EXAM, "s000", "YM-JD-01", 4, comment="很好")
    course.generate_feedback(fast, EXAM)
    html = (fast.exams_dir / "feedback" / "s000" / EXAM / f"{EXAM}.html").read_text(encoding="utf-8")
    assert "系统评分" in html and "cell_marking" not in html and "MARK SCHEME" not in html


def test_remarking_is_idempotent_and_keeps_manual_grades(both_marked):
    fast, *_ = both_marked
    db = fast
    course.set_manual_grade(fast, EXAM, "s003", "YM-JD-01", 3.5, comment="要点不全")
    before = _grades(db)
    mark_exam(fast, EXAM)
    mark_exam(fast, EXAM)
    after = _grades(db)
    assert after == before
    assert after[("s003", "answer-YM-JD-01")][1] == 3.5
    assert after[("comment", "s003", "answer-YM-JD-01")][1] == "要点不全"


def test_a_failed_write_leaves_the_gradebook_as_it_was(both_marked):
    fast, *_ = both_marked
    db = fast
    before = _grades(db)
    with pytest.raises(RuntimeError, match="注入的写入失败"):
        mark_exam(fast, EXAM, fail_after=10)  # after 10 of the (at least 17) candidates
    assert _grades(db) == before
    assert not list(fast.exams_dir.glob(".qingfeng-mark-*"))  # staging cleaned up


def test_bad_submissions_are_reported_by_name_and_do_not_stop_the_others(tmp_path, prepared):
    fast, _, students, _, backend = prepared
    root = tmp_path / "bad"
    backend.clone(fast.root, root)
    project = find_project(root)
    sub = project.exams_dir / "submitted"
    (sub / "s001" / EXAM / f"{EXAM}.ipynb").write_text("{ not json", encoding="utf-8")
    (sub / "s002" / EXAM / f"{EXAM}.ipynb").rename(sub / "s002" / EXAM / "renamed.ipynb")
    other = json.loads((sub / "s004" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))
    other["metadata"]["qingfeng"]["exam_id"] = "another-exam"
    (sub / "s004" / EXAM / f"{EXAM}.ipynb").write_text(json.dumps(other), encoding="utf-8")
    shutil.copytree(sub / "s005", sub / "S005")
    report = mark_exam(project, EXAM)
    problems = {p.student: p.message for p in report.problems}
    assert "已损坏" in problems["s001"]
    assert "提交中没有" in problems["s002"]
    assert "不是 yumin-sample" in problems["s004"]
    assert "大小写" in problems.get("s005", problems.get("S005", ""))
    assert len(report.marked) == len(students) + 1 - 4  # S005 is an extra folder
