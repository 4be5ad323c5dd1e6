"""The grading function: one test per rule, plus its input checks."""
from __future__ import annotations

import itertools

import pytest

from qingfeng.risk import Assessment, Level, grade, parse_rating


def A(power="中", money="中", discretion="中", likelihood="中", harm="中", frequency="中", sanzhong_yida="否"):
    return Assessment.from_mapping(dict(power=power, money=money, discretion=discretion, likelihood=likelihood,
                                        harm=harm, frequency=frequency, sanzhong_yida=sanzhong_yida))


@pytest.mark.parametrize("assessment,level,rule,phrase", [
    (A(sanzhong_yida="是", harm="高"), 1, 1, "三重一大"),
    (A(power="高", money="高"), 1, 2, "掌握较多重要权力"),
    (A(power="高", likelihood="高"), 1, 2, "发生可能性高"),
    (A(money="高", harm="高"), 1, 3, "直接支配资金"),
    (A(likelihood="高", harm="高"), 1, 4, "发生可能性高，且一旦发生危害严重"),
    (A(discretion="高", frequency="高", harm="高"), 1, 5, "自由裁量权大"),
    (A(power="低", money="低"), 3, 6, "基本不掌握重要权力"),
    (A(likelihood="低", harm="低"), 3, 7, "发生可能性低"),
    (A(), 2, 8, "介于一级与三级之间"),
    (A(money="高", harm="中"), 2, 8, "二级"),
    (A(sanzhong_yida="是"), 2, 8, "虽涉及“三重一大”"),
    (A(power="高", money="低"), 2, 8, "虽掌握较多重要权力"),
    (A(power="低", money="低", discretion="高"), 2, 8, "二级"),
])
def test_each_rule(assessment, level, rule, phrase):
    r = grade(assessment)
    assert (r.level, r.rule) == (Level(level), rule)
    assert phrase in r.explain()
    assert r.sources


def test_every_combination_grades_without_error_and_monotonically_in_harm():
    scale = (1, 2, 3)
    for p, m, d, l, h, f, s in itertools.product(scale, scale, scale, scale, scale, scale, (False, True)):
        a = Assessment(p, m, d, l, h, f, s)
        r = grade(a)
        assert r.explain().startswith("评定为")
        if h < 3:  # raising harm never lowers the level (1 is most serious)
            assert grade(Assessment(p, m, d, l, h + 1, f, s)).level <= r.level


@pytest.mark.parametrize("value,expected", [("高", 3), ("中", 2), ("低", 1), ("较高", 2), (" 大 ", 3), ("1", 1), (2, 2)])
def test_ratings_accept_common_words(value, expected):
    assert parse_rating(value) == expected


def test_bad_factor_values_are_named_in_chinese():
    with pytest.raises(ValueError, match="危害程度的取值“很大”无法识别"):
        A(harm="很大")
    with pytest.raises(ValueError, match="缺少因素“发生可能性”"):
        Assessment.from_mapping(dict(power="高", money="高", discretion="高", harm="高", frequency="高"))
    with pytest.raises(ValueError, match="涉及“三重一大”的取值"):
        A(sanzhong_yida="也许")


def test_round_trip_of_the_mapping_form():
    a = A(power="高", sanzhong_yida="是")
    assert Assessment.from_mapping(a.to_mapping()) == a
    assert "权力重要程度：高" in a.describe()
