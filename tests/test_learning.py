"""Course exercises: logic, widgets driven like a learner would, progress store and gathering."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from qingfeng.cases import load_library
from qingfeng.cli.main import cli
from qingfeng.learning import exercises as ex
from qingfeng.learning.case_widgets import CaseGrader, FactorExplorer
from qingfeng.learning.drill_widgets import Placement, ProgressView, SelfCheck, StepOrder
from qingfeng.learning.progress import ProgressStore
from qingfeng.risk import EIGHT_STEPS, TRANSFER, warning_for

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cases():
    return load_library(REPO / "risk_case_library" / "cases").cases


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "p.sqlite", learner="学员甲")


def by_id(cases, cid):
    return next(c for c in cases if c.id == cid)


def test_a_fully_right_answer_scores_every_part(cases):
    c = by_id(cases, "PG-012")  # 三级, 批评教育: a 苗头 (001 第二十八条(一)), so 黄 and its actions, no transfer
    right = ex.CaseAnswer("思想道德风险", (), "三级（低）", "黄", tuple(ex.correct_actions(c)))
    fb = ex.check_case(c, right)
    assert [p.correct for p in fb.parts] == [True, True, True, True] and fb.score == 4
    assert "移送" not in "".join(ex.correct_actions(c))


def test_further_categories_are_compared_with_the_annotation(cases):
    c = by_id(cases, "S004-01")  # 业务流程风险, 制度机制风险
    same = ex.check_case(c, ex.CaseAnswer("业务流程风险", ("制度机制风险",)))
    assert "另标注了制度机制风险，你的判断一致" in same.parts[0].message
    off = ex.check_case(c, ex.CaseAnswer("业务流程风险", ("外部环境风险",)))
    assert "多选了外部环境风险" in off.parts[0].message and "漏了制度机制风险" in off.parts[0].message


def test_feedback_explains_with_the_grading_reasons_and_the_real_disposal(cases):
    c = by_id(cases, "S004-01")  # a risk point found by 排查, nobody sanctioned: 001 第十四条, no warning
    fb = ex.check_case(c, ex.CaseAnswer("制度机制风险", (), "二级", "橙", ()))
    cat, level, warning, actions = fb.parts
    assert cat.score == 0.5 and "主要是业务流程风险" in cat.message  # a listed but not primary category
    assert not level.correct and "具有较大的人、财、物管理权" in level.message and "002" in level.message and "000" in level.message
    assert not warning.correct and "风险点定级" in warning.message and "第十四条" in warning.message
    assert actions.correct and "真实处置" in actions.message and c.source.ref in actions.message


def test_a_graded_risk_point_gets_no_warning_and_no_article_28_actions(cases):
    """001 第十四条 grades a risk point; 第二十六条 keeps warnings for 苗头性、倾向性问题 — none for S004-01."""
    c = by_id(cases, "S004-01")
    red = ex.check_case(c, ex.CaseAnswer("业务流程风险", (), "一级", "红", warning_for("一级").actions))
    assert not red.parts[2].correct and "不应发红色预警" in red.parts[2].message
    assert red.parts[3].score == 0 and "多选了" in red.parts[3].message
    assert ex.correct_actions(c) == set()
    right = ex.check_case(c, ex.CaseAnswer("业务流程风险", (), "一级", ex.NO_WARNING, ()))
    assert right.score == 4


def test_a_violation_is_referred_not_warned(cases):
    """001 第二十八条(四): what is already 违纪违法 goes to 移送; a red warning is not the answer for the sentenced."""
    c = next(c for c in cases if c.disposal_kind == "移送司法")
    assert ex.correct_actions(c) == {TRANSFER[0]}
    fb = ex.check_case(c, ex.CaseAnswer(c.annotation.categories[0], (), c.annotation.level, "红",
                                        tuple(ex.all_disposal_actions())))
    assert not fb.parts[2].correct and "违纪违法移送" in fb.parts[2].message
    assert fb.parts[3].score == 0 and "第二十八条(四)" in fb.parts[3].message
    fb = ex.check_case(c, ex.CaseAnswer(c.annotation.categories[0], (), c.annotation.level, ex.NO_WARNING, (TRANSFER[0],)))
    assert fb.score == 4


def test_warning_colour_and_actions_follow_the_learners_own_level(cases):
    """001 第二十八条: colour by level.  A learner who says 二级 for a 三级 苗头 loses the level part only if the
    colour and actions are those of 二级 (橙); 黄 would then be inconsistent with their own level."""
    c = by_id(cases, "PG-012")  # 苗头, 三级
    orange = ex.correct_actions(c, "二级")
    fb = ex.check_case(c, ex.CaseAnswer("思想道德风险", (), "二级（中）", "橙", tuple(orange)))
    assert [p.correct for p in fb.parts] == [True, False, True, True]
    assert "按你定的二级（中）" in fb.parts[2].message
    fb = ex.check_case(c, ex.CaseAnswer("思想道德风险", (), "二级（中）", "黄", tuple(ex.correct_actions(c))))
    assert not fb.parts[2].correct and not fb.parts[3].correct
    fb = ex.check_case(c, ex.CaseAnswer("思想道德风险", (), "三级", ex.NO_WARNING, ()))
    assert not fb.parts[2].correct and "不能不预警" in fb.parts[2].message and fb.parts[3].score == 0


@pytest.mark.parametrize("answer", [
    ex.CaseAnswer(), ex.CaseAnswer("经济风险", ("x",), "五级", "紫", ("随便",)), ex.CaseAnswer(None, (), "", "", ()),
])
def test_nonsense_never_raises(cases, answer):
    for c in cases[:10]:
        fb = ex.check_case(c, answer)
        assert 0 <= fb.score <= fb.max_score


def test_explore_reports_bad_input_instead_of_raising():
    assert ex.explore({"power": "高"})[0] == "无法评定"
    label, reasons = ex.explore(dict(power="低", money="低", discretion="低", likelihood="低", harm="低", frequency="低"))
    assert label == "三级（低）" and any("001" in r or "000" in r for r in reasons)


def test_placements_and_step_order():
    tasks = ex.pdca_tasks(n=40)
    fb = ex.check_placement(tasks, [t.answer for t in tasks])
    assert fb.score == len(tasks) and any(t.prompt.startswith("芦溪县") for t in tasks)
    fb = ex.check_placement(tasks, [None, "不存在"])
    assert fb.score == 0
    assert ex.check_step_order([s.name for s in EIGHT_STEPS]).score == 8
    assert ex.check_step_order(list(reversed([s.name for s in EIGHT_STEPS]))).score == 0
    assert ex.check_step_order([]).score == 0


def test_case_grader_widget_filters_grades_and_records(cases, store):
    g = CaseGrader(cases, store, seed=1)
    g.category.value = "业务流程风险"
    g.level_filter.value = "一级（高）"
    assert g.case.options and all("业务流程风险" in by_id(cases, cid).annotation.categories for _, cid in g.case.options)
    c = g.current()
    g.primary.value = c.annotation.categories[0]
    g.level.value = [lv for lv in ex.LEVEL_CHOICES if lv.startswith(c.annotation.level)][0]
    g.warning.value = c.annotation.warning or ex.NO_WARNING
    g.actions.value = tuple(ex.correct_actions(c))
    g.submit.click()
    assert "得分：4 / 4" in g.feedback.value and "✔ 风险等级" in g.feedback.value
    df = store.frame()
    assert list(df["item"]) == [c.id] and df["score"].iloc[0] == 4
    g.post.value = "没有这个岗位"
    assert g.case.value is None and "没有符合条件" in g.case_html.value
    g.submit.click()
    assert "请先选择一个案例" in g.feedback.value


def test_factor_explorer_updates_live():
    f = FactorExplorer()
    assert "教学等级：二级（中）" in f.result.value and "000 与 002 一致" in f.result.value
    f.factors["money"].value = "高"
    f.factors["harm"].value = "高"
    assert "教学等级：一级（高）" in f.result.value and "具有较大的人、财、物管理权" in f.result.value
    assert "000 与 002 不一致" in f.result.value  # 000 still 二级 by power 中
    for k in ("power", "money", "harm", "likelihood", "moral"):
        f.factors[k].value = "低"
    assert "教学等级：三级（低）" in f.result.value and "001《" in f.result.value and "不设门槛" in f.result.value


def test_factor_explorer_ticking_sanzhong_yida_with_low_power_and_money():
    """002 一级标准 names 三重一大 first; 三重一大 is direct 人财物 power, so 二/三级 cannot fit it (issue: one old
    rule had the guard, another did not, giving 三级)."""
    f = FactorExplorer()
    f.factors["power"].value = "低"
    f.factors["money"].value = "低"
    f.sanzhong.value = True
    assert "教学等级：一级（高）" in f.result.value and "000 与 002 不一致" in f.result.value


def test_placement_step_order_selfcheck_and_progress_widgets(store, tmp_path):
    tasks = ex.measure_tasks(n=5)
    p = Placement("措施归类", tasks, ex.CATEGORY_CHOICES, "措施归类", store, None)
    for d, t in zip(p.choices, tasks):
        d.value = t.answer
    p.check.click()
    assert "得分：5 / 5" in p.feedback.value
    s = StepOrder(store, seed=3)
    for d, step in zip(s.positions, EIGHT_STEPS):
        d.value = step.name
    s.check.click()
    assert "得分：8 / 8" in s.feedback.value
    from qingfeng.bank import load_bank

    bank = load_bank(REPO / "exams" / "bank")
    q = SelfCheck(bank, "预警处置", n=4, store=store, seed=2)
    q.check.click()  # nothing answered: every item 0, explanations shown
    assert q.feedback.value.count("未作答") == 4 and "解析" in q.feedback.value
    v = ProgressView(store)
    assert "思想道德风险" in v.table.value and v.chart.value[:4] == b"\x89PNG"


def test_gather_a_class_into_one_workbook(tmp_path):
    for name in ("甲", "乙"):
        s = ProgressStore(tmp_path / name / ".qingfeng" / "progress.sqlite", learner=name)
        s.record("案例定级", "PG-012", "思想道德风险", 3, 4)
    (tmp_path / "坏的").mkdir()
    (tmp_path / "坏的" / "progress.sqlite").write_bytes(b"not sqlite")
    out = tmp_path / "class.xlsx"
    r = CliRunner().invoke(cli, ["progress", "gather", str(tmp_path), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "已汇总 2 名学员、2 条练习记录" in r.output and "跳过无法读取的文件" in r.output
    ws = openpyxl.load_workbook(out)["练习记录"]
    assert [c.value for c in ws[1]][:3] == ["学员", "练习", "题目"]
