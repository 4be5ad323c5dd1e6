"""Marking aids for 简答/论述: suggestions measured against a hand-marked set, and the marking page end to end."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import yaml

from qingfeng.bank import load_bank
from qingfeng.bank.model import RubricPoint
from qingfeng.exam.essay_suggest import point_terms, suggest
from qingfeng.project import find_project

from .conftest import REPO

DATA = REPO / "tests" / "data" / "essays" / "answers.yaml"


@pytest.fixture(scope="module")
def bank():
    return load_bank(find_project(REPO).bank_dir).items


@pytest.fixture(scope="module")
def hand_marked():
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))["answers"]


def agreement(hand_marked, bank) -> dict[str, float]:
    hand = np.array([a["total"] for a in hand_marked], dtype=float)
    sug = np.array([suggest(bank[a["item"]].rubric, a["text"]).score for a in hand_marked])
    points = [(h > 0) == (p.credit > 0) for a in hand_marked
              for h, p in zip(a["marks"], suggest(bank[a["item"]].rubric, a["text"]).points)]
    short = np.array([bank[a["item"]].type == "简答" for a in hand_marked])
    return {"n": len(hand), "within_1": float(np.mean(np.abs(hand - sug) <= 1)), "exact": float(np.mean(hand == sug)),
            "r": float(np.corrcoef(hand, sug)[0, 1]), "mae": float(np.mean(np.abs(hand - sug))),
            "points_agree": float(np.mean(points)), "n_points": len(points),
            "within_1_short": float(np.mean(np.abs(hand - sug)[short] <= 1)),
            "mae_essay": float(np.mean(np.abs(hand - sug)[~short]))}


def test_the_hand_marked_set_is_complete_and_consistent(hand_marked, bank):
    assert len(hand_marked) >= 30
    assert {a["item"] for a in hand_marked} == {f"YM-JD-0{i}" for i in range(1, 7)} | {"YM-LS-01", "YM-LS-02"}
    for a in hand_marked:
        rubric = bank[a["item"]].rubric
        assert len(a["marks"]) == len(rubric), a["id"]
        if bank[a["item"]].type == "简答":  # 简答: a point is met, half met or not; 论述: in half points
            assert all(m in (0, r.points / 2, r.points) for m, r in zip(a["marks"], rubric)), a["id"]
        else:
            assert all(float(m * 2).is_integer() for m in a["marks"]), a["id"]
        assert all(0 <= m <= r.points for m, r in zip(a["marks"], rubric)), a["id"]
        assert sum(a["marks"]) == pytest.approx(a["total"]), a["id"]
    totals = [a["total"] / bank[a["item"]].points for a in hand_marked]
    assert min(totals) == 0 and max(totals) == 1 and 0.3 < float(np.median(totals)) < 0.7  # varying quality


def test_suggestions_agree_with_hand_marks(hand_marked, bank, capsys):
    m = agreement(hand_marked, bank)
    with capsys.disabled():
        print(f"\n评分建议与人工评分（{m['n']} 份）：相差 ≤ 1 分 {m['within_1']:.1%}（简答 {m['within_1_short']:.1%}），"
              f"完全一致 {m['exact']:.1%}，相关系数 {m['r']:.3f}，平均绝对差 {m['mae']:.2f} 分（论述 {m['mae_essay']:.2f} 分）；"
              f"逐要点判定（答到/未答到）一致 {m['points_agree']:.1%}（{m['n_points']} 个要点）")
    assert m["within_1"] >= 0.85 and m["r"] >= 0.9 and m["points_agree"] >= 0.9


def test_suggestion_names_found_and_missing_terms(bank):
    it = bank["YM-JD-05"]
    s = suggest(it.rubric, "一看發生的機率；二看危害大小。")  # traditional characters are folded
    assert [p.credit for p in s.points] == [1.25, 1.25, 0, 0] and s.score == 2.5
    assert s.points[0].found == ("机率",) and s.points[2].missing == ("自由裁量",)
    assert "要点3（1.25分）未见：命中 —；未见 自由裁量" in s.explain()
    assert suggest(it.rubric, "").score == 0 and suggest(it.rubric, "（未作答）").score == 0


def test_points_without_keywords_use_jieba_words_from_the_point():
    rubric = (RubricPoint("把风险管理理论和质量管理方法应用于反腐倡廉工作", 2.0),)
    terms = [t[0] for t in point_terms(rubric[0].point)]
    assert {"风险管理", "质量", "反腐倡廉"} <= set(terms) and not {"和", "于", "工作"} & set(terms)
    assert suggest(rubric, "把风险管理和质量管理用于反腐倡廉").score == 2
    assert suggest(rubric, "加强学习").score == 0


@pytest.mark.slow
def test_marking_page_walks_one_question_and_writes_only_what_the_marker_saves(hand_marked, bank, tmp_path):
    from qingfeng.demo.simulate import write_submission
    from qingfeng.exam import course
    from qingfeng.exam.fast_marking import mark_exam
    from qingfeng.exam.marking_widgets import marking_panel

    from .exam_course import copy_project

    root = copy_project(tmp_path / "proj")
    project = find_project(root)
    exam = "2026-q4"  # the id the committed notebook names
    course.build_exam(project, "yumin-sample", exam)
    course.generate(project, exam)
    released = json.loads((project.exams_dir / "release" / exam / f"{exam}.ipynb").read_text(encoding="utf-8"))
    jd01 = [a for a in hand_marked if a["item"] == "YM-JD-01"]
    for n, a in enumerate(jd01):
        write_submission(released, project.exams_dir, exam, f"k{n:02d}", {}, {"YM-JD-01": a["text"]})
    mark_exam(project, exam)

    def manual() -> dict[str, float | None]:
        con = sqlite3.connect(project.exams_dir / "gradebook.db")
        rows = con.execute("""SELECT sa.student_id, g.manual_score FROM grade g JOIN base_cell b ON b.id = g.cell_id
                              JOIN submitted_notebook sn ON sn.id = g.notebook_id JOIN submitted_assignment sa ON sa.id = sn.assignment_id
                              WHERE b.name = 'answer-YM-JD-01'""").fetchall()
        con.close()
        return dict(rows)

    panel = marking_panel(exam, root=str(root))
    session = panel.session
    assert len(session.questions) == 8 and session.questions[0].item.id == "YM-JD-01"
    page = panel.pages["YM-JD-01"]
    assert [r.answer.text for r in page.rows] == [a["text"].strip() for a in jd01]
    assert all(r.answer.suggestion == suggest(bank["YM-JD-01"].rubric, r.answer.text) for r in page.rows)
    for r in page.rows:
        r.tick_suggestion()  # a suggestion in the boxes is still not a grade
    assert set(manual().values()) == {None}
    for r in page.rows:
        r.touched = False
    first, second = page.rows[0], page.rows[1]
    for box in first.boxes:
        box.value = False
    first.boxes[0].value = True
    first.boxes[1].value = True
    assert first.score.value == 2 and first.touched
    second.score.value = 3.5
    second.comment.value = "制度、监督答得好"
    assert page.commit() == 2
    marks = manual()
    assert marks["k00"] == 2 and marks["k01"] == 3.5 and all(marks[f"k{n:02d}"] is None for n in range(2, len(jd01)))
    assert "已保存 2 份" in page.message.value and "已记 3.5 分" in second.state.value
    # the committed notebook runs in this project and shows the page
    from nbclient import NotebookClient
    import nbformat

    (root / "grading").mkdir(exist_ok=True)
    target = root / "grading" / "简答论述评分.ipynb"
    shutil.copy(REPO / "grading" / "简答论述评分.ipynb", target)
    nb = nbformat.read(target, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(target.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
