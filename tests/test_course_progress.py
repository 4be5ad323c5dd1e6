"""Progress that counts every exercise, restores answers, and a 错题本 spaced by the Leitner rule."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from qingfeng.learning import exercises as ex
from qingfeng.learning import lessons, review
from qingfeng.learning.progress import SCHEMA_VERSION, ProgressStore

REPO = Path(__file__).resolve().parents[1]


class Clock:
    def __init__(self):
        self.t = dt.datetime(2026, 12, 1, 9, 0, 0)

    def __call__(self):
        return self.t

    def advance(self, **kw):
        self.t += dt.timedelta(**kw)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock, monkeypatch):
    monkeypatch.chdir(REPO)  # lessons find the project (case library, bank) from here
    return ProgressStore(tmp_path / "p.sqlite", learner="学员甲", clock=clock)


def wrong(p):
    """Set every dropdown of a Placement to a wrong bucket."""
    for d, t in zip(p.choices, p.tasks):
        d.value = next(b for b in d.options if b != t.answer)


def test_an_old_progress_file_is_migrated_keeping_its_rows(tmp_path):
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE results (learner TEXT NOT NULL, exercise TEXT NOT NULL, item TEXT NOT NULL, category TEXT,"
                " score REAL NOT NULL, max_score REAL NOT NULL, at TEXT NOT NULL)")
    con.execute("INSERT INTO results VALUES ('甲', '案例定级', 'PG-012', '思想道德风险', 3, 4, '2026-11-01T10:00:00')")
    con.commit()
    con.close()
    s = ProgressStore(path, learner="甲")
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        cols = [r[1] for r in con.execute("PRAGMA table_info(results)")]
    assert {"module", "topic", "kind", "answer"} <= set(cols)
    df = s.frame()
    assert len(df) == 1 and df["score"].iloc[0] == 3 and df["item"].iloc[0] == "PG-012"
    s.record("m01.measures", "x", None, 1, 1, topic="五类风险", kind="归类", answer={"chosen": ["a"]})
    assert s.frame()["module"].iloc[-1] == "01" and s.last_answer("m01.measures") == {"chosen": ["a"]}
    ProgressStore(path, learner="甲")  # opening again is a no-op
    assert len(ProgressStore(path, learner="甲").frame()) == 2


def test_wrong_answer_gives_a_hint_first_then_the_answer_with_its_reason(store):
    p = lessons.placement("m01.measures", store, seed=1)
    wrong(p)
    p.check.click()
    first = p.panel.html.value
    assert "提示：你选的" in first and "应为" not in first and p.panel.reveal.layout.display != "none"
    p.panel.reveal.click()
    shown = p.panel.html.value
    assert "应为" in shown and "001《清远市清新区廉政风险防控工作暂行办法》第" in shown and "指：" in shown
    assert p.panel.reveal.layout.display == "none"


def test_a_right_answer_shows_its_explanation_at_once(store):
    p = lessons.placement("m03.warnings", store, seed=2)
    for d, t in zip(p.choices, p.tasks):
        d.value = t.answer
    p.check.click()
    assert "✘" not in p.panel.html.value and "第二十八条" in p.panel.html.value and p.panel.reveal.layout.display == "none"


def test_submitting_nothing_asks_and_records_nothing(store):
    for w in (lessons.placement("m02.criteria", store), lessons.step_order(store), lessons.self_check("风险等级", store=store),
              lessons.case_grader(store=store)):
        button = getattr(w, "check", None) or w.submit_button
        button.click()
        assert "还没有作答" in w.panel.html.value
        assert "应为" not in w.panel.html.value and "参考答案" not in w.panel.html.value
    assert store.frame().empty and review.all_cards(store) == []


def test_every_exercise_is_recorded_tagged_and_restored_after_a_restart(store):
    q = lessons.self_check("风险等级", store=store, seed=5)
    first = q.items[0]
    w = q.inputs[0]
    w.value = w._options_values[0] if hasattr(w, "_options_values") else None
    if first.type == "填空":
        w.children[0].value = "一级"
    q.check.click()
    df = store.frame()
    assert len(df) == len(q.items) and set(df["module"]) == {"02"} and set(df["kind"]) == {"自测"}
    assert set(df["topic"]) == {"风险等级"} and df["category"].notna().any()
    again = lessons.self_check("风险等级", store=store, seed=99)  # a new kernel, another random draw
    assert [i.id for i in again.items] == [i.id for i in q.items]  # … shows the same questions
    assert again.answer()["answers"][0] == q.answer()["answers"][0]  # … with the learner's answer
    assert "得分：" in again.panel.html.value and len(store.frame()) == len(df)  # feedback shown, not recorded again
    s = lessons.step_order(store, seed=1)
    s.check.click()  # the shuffled list as it came: not an answer yet
    assert "还没有作答" in s.panel.html.value and "m05.steps" not in store.done_exercises()
    s.order.items = [step.name for step in ex.EIGHT_STEPS]  # what dragging does
    s.order.touched = True
    s.check.click()
    assert "得分：8 / 8" in s.panel.html.value
    assert lessons.step_order(store, seed=2).order.items == [st.name for st in ex.EIGHT_STEPS]


def test_module_completion_and_time_spent(store, clock):
    assert not store.completion().set_index("单元").loc["02", "完成"]
    lessons.start("02", store)
    clock.advance(minutes=12)
    p = lessons.placement("m02.criteria", store)
    p.choices[0].value = p.tasks[0].answer
    p.check.click()
    q = lessons.self_check("风险等级", store=store)
    w = q.inputs[0]  # the drawn item may be 多选 (a tuple of letters), a single choice or 填空 (a row of boxes)
    for box in getattr(w, "children", None) or [w]:
        box.value = () if isinstance(box.value, tuple) else ("" if isinstance(box.value, str) else None)
    clock.advance(minutes=3)
    q.check.click()  # empty: does not count
    r = store.completion().set_index("单元").loc["02"]
    assert r["已完成练习"] == 1 and not r["完成"] and r["用时（分钟）"] == 12
    clock.advance(hours=3)  # a later session
    lessons.start("02", store)
    clock.advance(minutes=5)
    store.touch("02")
    assert store.completion().set_index("单元").loc["02", "用时（分钟）"] == 17
    assert "1/2" in lessons.end("02", store).data and "○ 自测：风险等级" in lessons.end("02", store).data


def test_wrong_answers_come_back_spaced_by_the_leitner_rule(store, clock):
    p = lessons.placement("m04.stages", store, seed=3)
    wrong(p)
    p.choices[0].value = p.tasks[0].answer  # one right, the rest wrong
    p.check.click()
    due = review.due_cards(store)
    assert len(due) == len(p.tasks) - 1 and all(c.box == 1 for c in due) and due[0].module == "04"
    card = due[0]

    def answer(correct: bool):
        ex_ = lessons._review_exercise(next(c for c in review.due_cards(store) if c.card == card.card), store)
        task = ex_.tasks[0]
        ex_.choices[0].value = task.answer if correct else next(b for b in ex_.choices[0].options if b != task.answer)
        ex_.check.click()

    answer(True)  # box 1 -> 2, due in 1 day
    assert card.card not in {c.card for c in review.due_cards(store)}
    clock.advance(hours=23)
    assert card.card not in {c.card for c in review.due_cards(store)}
    clock.advance(hours=1)
    answer(True)  # box 2 -> 3, due in 3 days
    clock.advance(days=2)
    assert card.card not in {c.card for c in review.due_cards(store)}
    clock.advance(days=1)
    answer(False)  # wrong in review: back to box 1, due tomorrow
    assert next(c for c in review.all_cards(store) if c.card == card.card).box == 1
    assert card.card not in {c.card for c in review.due_cards(store)}
    for days in (1, 1, 3, 7, 14):
        clock.advance(days=days)
        answer(True)
    assert next(c for c in review.all_cards(store) if c.card == card.card).box == review.MASTERED
    clock.advance(days=100)
    assert card.card not in {c.card for c in review.due_cards(store)}
    # review answers do not count as module work, and never restore into the module's widget
    ex_names = set(store.frame()["exercise"])
    assert "错题本:m04.stages" in ex_names and store.done_exercises() & {"m04.stages"} == {"m04.stages"}
    assert store.last_answer("m04.stages")["tasks"] == [t.prompt for t in p.tasks]


def test_review_panel_rebuilds_each_kind_of_card(store):
    s = lessons.step_order(store, seed=1)
    s.order.items = list(reversed([st.name for st in ex.EIGHT_STEPS]))
    s.order.touched = True
    s.check.click()
    q = lessons.self_check("PDCA", store=store, seed=1)
    for w, it in zip(q.inputs, q.items):
        if it.type == "填空":
            w.children[0].value = "不是答案"
        elif it.type == "判断":
            w.value = "错" if it.key == ("对",) else "对"
        elif it.type == "单选":
            w.value = next(k for k in w._options_values if k not in it.key)
    q.check.click()
    g = lessons.case_grader(store=store)
    g.level.value = "三级（低）" if not g.current().annotation.level.startswith("三") else "一级（高）"
    g.submit_button.click()
    kinds = {c.spec["kind"] for c in review.due_cards(store)}
    assert {"steps", "bank", "case"} <= kinds
    panel = lessons.review_today(store, limit=50)
    assert "今天待复习" in panel.widget.children[0].value and len(panel.widget.children) > 3
