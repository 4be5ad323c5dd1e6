"""The grading function's input checks and its behaviour over every input (per-seed rules: test_seed_verdicts.py)."""
from __future__ import annotations

import itertools

import pytest

from qingfeng.risk import Assessment, grade, parse_rating


def A(power="中", money="中", discretion="中", likelihood="中", harm="中", frequency="中", sanzhong_yida="否"):
    return Assessment.from_mapping(dict(power=power, money=money, discretion=discretion, likelihood=likelihood,
                                        harm=harm, frequency=frequency, sanzhong_yida=sanzhong_yida))


def test_every_combination_grades_and_more_power_moral_problems_or_sanzhong_yida_never_lower_it():
    """Per-seed rules are tested in test_seed_verdicts.py.  Here: every input grades, and the factors that
    000 §九 (power, 思想道德) and 002 (三重一大) name as sufficient for a level never lower the teaching level.

    Likelihood and harm are not checked: 002 reads them as one “或者” part of each level, and a point that
    fully fits 002's 二级 wording is 二级 even when a lower harm left it tied between levels (see grading.py)."""
    scale = (1, 2, 3)
    for p, m, d, l, h, f, mo, s in itertools.product(scale, scale, scale, scale, scale, scale, scale, (False, True)):
        r = grade(Assessment(p, m, d, l, h, f, moral=mo, sanzhong_yida=s))
        assert r.explain().startswith("教学等级") and r.sources
        if p < 3:  # 1 is the most serious level: raising a factor never gives a larger level number
            assert grade(Assessment(p + 1, m, d, l, h, f, moral=mo, sanzhong_yida=s)).level <= r.level
        if mo < 3:
            assert grade(Assessment(p, m, d, l, h, f, moral=mo + 1, sanzhong_yida=s)).level <= r.level
        if not s:
            assert grade(Assessment(p, m, d, l, h, f, moral=mo, sanzhong_yida=True)).level <= r.level


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
