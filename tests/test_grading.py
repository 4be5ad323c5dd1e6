"""The grading function's input checks and its behaviour over every input (per-seed rules: test_seed_verdicts.py)."""
from __future__ import annotations

import itertools

import pytest

from qingfeng.risk import Assessment, grade, parse_rating


def A(power="中", money="中", discretion="中", likelihood="中", harm="中", frequency="中", sanzhong_yida="否"):
    return Assessment.from_mapping(dict(power=power, money=money, discretion=discretion, likelihood=likelihood,
                                        harm=harm, frequency=frequency, sanzhong_yida=sanzhong_yida))


def test_every_combination_grades_and_raising_any_factor_never_lowers_a_level():
    """Property over all 3^7 × 2 inputs: raising one factor (or ticking 三重一大) never makes the teaching
    level, 000's verdict or 002's verdict lighter.  000 §九(一)–(三) and 002 二、第二阶段 each list heavier
    wording for the heavier level; 002 says nothing of points that fit no level fully, and reading each
    level's wording as a ceiling keeps its verdict monotone (grading.py).  Level 1 is the most serious."""
    scale = (1, 2, 3)
    names = ("power", "money", "discretion", "likelihood", "harm", "frequency", "moral")
    table = {}
    for values in itertools.product(scale, repeat=7):
        for s in (False, True):
            r = grade(Assessment(*values[:6], moral=values[6], sanzhong_yida=s))
            assert r.explain().startswith("教学等级") and r.sources
            table[values, s] = (r.level, r.verdict("000").level, r.verdict("002").level)
    assert len(table) == 3 ** 7 * 2
    for (values, s), levels in table.items():
        for i, name in enumerate(names):
            if values[i] < 3:
                up = values[:i] + (values[i] + 1,) + values[i + 1:]
                higher = table[up, s]
                assert all(h <= lv for h, lv in zip(higher, levels)), (dict(zip(names, values)), name, levels, higher)
        if not s:
            assert all(h <= lv for h, lv in zip(table[values, True], levels)), (values, "sanzhong_yida")


def test_harm_rising_from_low_to_middle_no_longer_lowers_the_level():
    """The case tests/test_grading.py used to excuse: 人财物中、可能性高.  With 危害中 the point fully fits 002
    二级 (“不直接行使人、财、物的支配权” … “发生机率较高,或者一旦发生可能造成较为严重后果”, 002 二、第二阶段), so 二级;
    with 危害低 it fits no level fully and must not be heavier than that: it is 二级 too, not 一级."""
    low = grade(A(power="低", money="中", likelihood="高", harm="低"))
    mid = grade(A(power="低", money="中", likelihood="高", harm="中"))
    assert mid.verdict("002").fit == "完全符合" and mid.verdict("002").level.tier == "二级"
    assert low.verdict("002").fit == "部分符合" and low.verdict("002").level.tier == "二级"
    assert low.level == mid.level
    assert "不超出二级标准" in low.verdict("002").summary


def test_a_point_exceeding_level_two_wording_is_002_level_one():
    """002 二级 is 不直接行使人、财、物的支配权: a point with 较大的人财物管理权 but no 三重一大 exceeds it, so 一级."""
    r = grade(A(power="低", money="高", likelihood="低", harm="低"))
    v = r.verdict("002")
    assert v.level.tier == "一级" and v.fit == "部分符合" and "超出了二级标准" in v.summary


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
