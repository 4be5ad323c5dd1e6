"""Every statistic on a small dataset, against values worked out by hand (in the comments)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qingfeng.stats.data import ScoreTable
from qingfeng.stats.measures import (Thresholds, category_mastery, cronbach_alpha, distribution, exam_summary,
                                     group_table, item_table, kurtosis, skewness, unit_category_matrix)


@pytest.fixture
def table() -> ScoreTable:
    items = pd.DataFrame({"题号": ["一-1", "一-2", "二-1"], "部分": ["一、选择题"] * 2 + ["二、简答题"], "题型": ["单选", "判断", "简答"],
                          "满分": [1.0, 1.0, 2.0], "风险类别": [("A",), ("B",), ("A", "B")], "options": [("A", "B", "C", "D"), (), ()]},
                         index=pd.Index(["I1", "I2", "I3"], name="item"))
    scores = pd.DataFrame({"I1": [1, 1, 0, 0, 1, 1], "I2": [1, 0, 1, 0, 1, 0], "I3": [2, 1, 2, 0, 1, np.nan]},
                          index=pd.Index(list("abcdef"), name="编号"), dtype=float)
    roster = pd.DataFrame({"姓名": list("abcdefg"), "单位": ["交通局", "交通局", "教育局", "教育局", "教育局", "教育局", "交通局"],
                           "部门": [""] * 7, "岗位": [""] * 7}, index=pd.Index(list("abcdefg"), name="编号"))
    late = pd.Series([False, True, False, False, False, False], index=scores.index)
    responses = pd.DataFrame({"I1": ["A", "A", "B", "B", "A", "A"]}, index=scores.index)
    return ScoreTable("t", "测试", items, scores, roster, late, responses)


# complete candidates a..e, totals [4, 2, 3, 0, 3]: mean 2.4, deviations 1.6 −0.4 0.6 −2.4 0.6,
# squares sum 9.2, variance 9.2/4 = 2.3, sd √2.3 = 1.516575
def test_exam_summary(table):
    s = exam_summary(table)
    assert (s.expected, s.sat, s.absent, s.pending, s.late, s.marked) == (7, 6, 1, 1, 1, 5)
    assert s.max_total == 4
    assert s.mean == pytest.approx(2.4) and s.median == 3 and s.sd == pytest.approx(math.sqrt(2.3))
    # pass: ≥ 0.6 × 4 = 2.4 → totals 4, 3, 3 → 3/5; excellent: ≥ 3.6 → 1/5
    assert s.pass_rate == pytest.approx(0.6) and s.excellent_rate == pytest.approx(0.2)
    # item variances 0.3, 0.3, 0.7 (sum 1.3); alpha = 3/2 · (1 − 1.3/2.3) = 0.652174
    assert s.alpha == pytest.approx(1.5 * (1 - 1.3 / 2.3))
    # ER = √(1 − alpha) = √(0.8/2.3); SE = ER · sd = √0.8
    assert s.error_ratio == pytest.approx(math.sqrt(0.8 / 2.3)) and s.standard_error == pytest.approx(math.sqrt(0.8))


def test_alpha_against_its_definition_on_random_data():
    rng = np.random.default_rng(0)
    m = rng.integers(0, 3, size=(40, 7)).astype(float)
    k = m.shape[1]
    by_definition = k / (k - 1) * (1 - sum(np.var(m[:, j], ddof=1) for j in range(k)) / np.var(m.sum(axis=1), ddof=1))
    assert cronbach_alpha(m) == pytest.approx(by_definition)


def test_shape_statistics_agree_with_an_independent_implementation():
    x = np.array([4, 2, 3, 0, 3, 7, 1, 1], dtype=float)
    assert skewness(x) == pytest.approx(pd.Series(x).skew())
    assert kurtosis(x) == pytest.approx(pd.Series(x).kurt())
    # hand: totals [4,2,3,0,3]: z = dev/1.516575; Σz³ = −2.683...; n/((n−1)(n−2)) = 5/12
    z = (np.array([4, 2, 3, 0, 3]) - 2.4) / math.sqrt(2.3)
    assert skewness(np.array([4, 2, 3, 0, 3.0])) == pytest.approx(5 / 12 * (z ** 3).sum())
    assert math.isnan(skewness(np.array([1.0, 1.0, 1.0])))


def test_item_statistics(table):
    it = item_table(table).set_index("题目编号")
    assert list(it["得分率"]) == pytest.approx([0.6, 0.6, 0.6])
    # I1: x = 1 1 0 0 1, rest = 3 1 3 0 2: Σdxdr = 0.6, Σdx² = 1.2, Σdr² = 6.8 → r = 0.6/√8.16
    assert it.loc["I1", "区分度"] == pytest.approx(0.6 / math.sqrt(8.16))
    # cov = 0.15; sorted x 0 0 1 1 1, sorted rest 0 1 2 3 3 → max cov 2.6/4 = 0.65 → DE = 0.2308
    assert it.loc["I1", "区分效率"] == pytest.approx(0.15 / 0.65)
    assert it.loc["I1", "标准差"] == pytest.approx(math.sqrt(0.3))
    # wrong on I1: c and d both chose B, of the 6 who sat → 33%
    assert it.loc["I1", "最多人选的错误选项"] == "B（33%）"
    assert it.loc["I3", "作答人数"] == 5  # f's essay is pending


def test_flags_for_items_that_look_broken():
    items = pd.DataFrame({"题号": ["1", "2", "3"], "部分": ["一"] * 3, "题型": ["判断"] * 3, "满分": [1.0] * 3,
                          "风险类别": [()] * 3, "options": [()] * 3}, index=["hard", "easy", "inverse"])
    scores = pd.DataFrame({"hard": [0, 0, 0, 0, 0, 0], "easy": [1, 1, 1, 1, 1, 1], "inverse": [1, 1, 0, 0, 0, 1],
                           "x1": [0, 0, 1, 1, 1, 0]}, dtype=float)
    items.loc["x1"] = ["4", "一", "判断", 1.0, (), ()]
    roster = pd.DataFrame({"单位": ["u"] * 6}, index=scores.index)
    t = ScoreTable("t", "t", items, scores, roster)
    flags = item_table(t).set_index("题目编号")["提示"]
    assert "得分率接近 0" in flags["hard"] and "得分率接近 1" in flags["easy"] and "区分度为负" in flags["inverse"]


def test_unit_ranking_participation_and_pending(table):
    g = group_table(table, "单位").set_index("单位")
    # 交通局: a, b sat, g absent → 2/3; mean of 4 and 2 = 3. 教育局: c d e f sat, f pending → marked 3, mean (3+0+3)/3 = 2
    assert g.loc["交通局", ["应考", "实考", "统计人数"]].tolist() == [3, 2, 2]
    assert g.loc["交通局", "参考率"] == pytest.approx(2 / 3) and g.loc["交通局", "平均分"] == 3
    assert g.loc["教育局", ["应考", "实考", "待评", "统计人数"]].tolist() == [4, 4, 1, 3] and g.loc["教育局", "平均分"] == 2
    assert g.loc["交通局", "名次"] == 1 and g.loc["教育局", "名次"] == 2


def test_category_mastery_overall_and_per_unit(table):
    # A: I1 (4 of 6 marked points) + I3 (6 of 10) = 10/16; B: I2 (3 of 6) + I3 (6 of 10) = 9/16
    cm = category_mastery(table)
    assert cm["A"] == pytest.approx(10 / 16) and cm["B"] == pytest.approx(9 / 16)
    mx = unit_category_matrix(table)
    # 交通局 (a, b): A = (1+1 + 2+1)/(2 + 4) = 5/6; B = (1+0 + 2+1)/(2+4) = 4/6
    assert mx.loc["交通局", "A"] == pytest.approx(5 / 6) and mx.loc["交通局", "B"] == pytest.approx(4 / 6)


def test_distribution_and_thresholds(table):
    d = distribution(table, bins=4)  # edges 0 1 2 3 4: totals 4 2 3 0 3 → [1, 0, 1, 3]
    assert d["人数"].tolist() == [1, 0, 1, 3]
    strict = exam_summary(table, Thresholds(pass_share=0.8, excellent_share=1.0))
    assert strict.pass_rate == pytest.approx(0.2) and strict.excellent_rate == pytest.approx(0.2)


def test_report_prints_group_sd_in_points_and_warns_about_alpha_for_few_candidates(table):
    from qingfeng.stats.measures import ALPHA_MIN_N, alpha_caveat
    from qingfeng.stats.report import _html, build_report, views

    r = build_report(table, with_charts=False)
    page = _html(r, views(r))
    units = page.split("<h2>按单位</h2>")[1].split("</table>")[0]
    # 教育局: complete c, d, e with totals 3, 0, 3 → sd √3 = 1.73 points, never "173.2%"
    assert "<td>1.73</td>" in units and "173.2%" not in units
    assert "%" in units  # 参考率 and 及格率 stay shares
    assert any("少于 30 人" in n and "仅供参考" in n for n in r.notes)
    assert "仅供参考" in dict(r.summary.rows())["信度 Cronbach's α（CIC）"]
    assert alpha_caveat(ALPHA_MIN_N) == "" and alpha_caveat(ALPHA_MIN_N - 1)
