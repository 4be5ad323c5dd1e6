"""Reading answers statically and scoring them, with every partial-credit rule."""
from __future__ import annotations

import pytest

from qingfeng.exam.answers import read_answer
from qingfeng.exam.scoring import KeyEntry, score

OPTS = (("A", "甲"), ("B", "乙"), ("C", "丙"), ("D", "丁"))


def multi(rule, key=("A", "C", "D"), points=3.0):
    return KeyEntry("M", "多选", points, key, OPTS, rule)


@pytest.mark.parametrize("typed,status,value", [
    ('作答 = "A"', "ok", "A"),
    ('作答 = ""', "empty", ""),
    ('作答 = ["", " "]', "empty", ("", " ")),
    ("", "empty", None),
    ("# 只有注释", "ok", "只有注释"),  # text typed by a person, read as text (hand_edits); never run
    ('作答 = "A', "ok", "A"),  # the closing quote forgotten: forgiven (tests/test_hand_edits.py has the rest)
    ('import os\n作答 = "A"', "not_literal", None),
    ('作答 = "A" + "B"', "not_literal", None),
    ('作答 = open("/etc/passwd").read()', "not_literal", None),
    ("作答 = True", "ok", "True"),  # a word typed without quotes, as 作答 = 对 is
    ('作答 = {"a": 1}', "not_literal", None),
    ('作答 = "A"\n作答 = "B"', "ok", "B"),
    ('x = 1\n作答 = "C"', "ok", "C"),
    ('"说明"\n作答 = "D"', "ok", "D"),
    ("作答 = 12", "ok", "12"),
    ('作答 = ("甲", "乙")', "ok", ("甲", "乙")),
    ('作答 = "' + "长" * 5000 + '"', "ok", "长" * 2000),
])
def test_answers_are_read_without_running_anything(typed, status, value):
    got = read_answer(typed)
    assert got.status == status
    if value is not None:
        assert got.value == value


def test_missing_cell():
    assert read_answer(None).status == "missing"


@pytest.mark.parametrize("rule,typed,points,status", [
    ("少选得一半", "ACD", 3.0, "correct"),
    ("少选得一半", "dca", 3.0, "correct"),
    ("少选得一半", "A、C", 1.5, "partial"),
    ("少选得一半", "A", 1.5, "partial"),
    ("少选得一半", "AB", 0.0, "wrong"),
    ("少选得一半", "ABCD", 0.0, "wrong"),
    ("全对才得分", "ACD", 3.0, "correct"),
    ("全对才得分", "AC", 0.0, "partial"),
    ("全对才得分", "B", 0.0, "wrong"),
    ("按对选项计分", "AC", 2.0, "partial"),
    ("按对选项计分", "D", 1.0, "partial"),
    ("按对选项计分", "CB", 0.0, "wrong"),
    ("少选得一半", "E", 0.0, "unreadable"),
    ("少选得一半", "甲丙", 0.0, "unreadable"),
])
def test_multiple_choice_rules(rule, typed, points, status):
    r = score(multi(rule), read_answer(f'作答 = "{typed}"'))
    assert (r.points, r.status) == (points, status)
    assert "A" not in r.detail and "C" not in r.detail  # the detail never gives the key away


@pytest.mark.parametrize("typed,points", [("乙", 1.0), ("B", 1.0), ("b", 1.0), ("BC", 0.0), ("丙", 0.0)])
def test_single_choice_accepts_letter_or_exact_option_text(typed, points):
    entry = KeyEntry("S", "单选", 1.0, ("B",), OPTS)
    assert score(entry, read_answer(f'作答 = "{typed}"')).points == points


@pytest.mark.parametrize("typed,points", [("对", 1), ("√", 1), ("正确", 1), ("對", 1), ("T", 1), ("错", 0), ("×", 0), ("?", 0), ("对错", 0)])
def test_judgement(typed, points):
    assert score(KeyEntry("J", "判断", 1.0, ("对",)), read_answer(f'作答 = "{typed}"')).points == points


BLANKS = KeyEntry("F", "填空", 2.5, blanks=((("甲",), 0.5), (("乙",), 0.5), (("丙",), 0.5), (("丁", "丁丁"), 1.0)),
                  unordered=((1, 2, 3),))


@pytest.mark.parametrize("typed,points", [
    ('["甲", "乙", "丙", "丁"]', 2.5),
    ('["丙", "甲", "乙", "丁丁"]', 2.5),      # any order inside the group
    ('["甲", "甲", "甲", "丁"]', 1.5),        # a right answer counts once
    ('["丁", "乙", "丙", "甲"]', 1.0),        # 丁 outside its blank earns nothing
    ('"甲、乙，丙 丁"', 2.5),                  # one string split on 、，and spaces
    ('["（甲）", "乙。", " 丙 ", "丁"]', 2.5),   # punctuation and spaces ignored
    ('["甲"]', 0.5),
])
def test_blanks_partial_credit_and_unordered_groups(typed, points):
    assert score(BLANKS, read_answer(f"作答 = {typed}")).points == points


def test_broken_answers_cost_only_zero_with_a_chinese_reason():
    for typed, word in (('作答 = ["", ""', "格式被改坏"), ("import os", "程序代码"), ('作答 = ""', "未作答")):
        r = score(KeyEntry("S", "单选", 1.0, ("A",), OPTS), read_answer(typed))
        assert r.points == 0 and word in r.detail


def test_open_items_accept_their_reasonable_variants():
    judge = KeyEntry("J", "判断", 1.0, ("对",), also=("错",))
    assert score(judge, read_answer('作答 = "错"')).points == 1.0 and score(judge, read_answer('作答 = "对"')).points == 1.0
    assert score(judge, read_answer('作答 = "?"')).points == 0
    single = KeyEntry("S", "单选", 1.0, ("B",), OPTS, also=("D",))
    assert [score(single, read_answer(f'作答 = "{t}"')).points for t in "BDA"] == [1.0, 1.0, 0.0]
    assert score(single, read_answer('作答 = "BD"')).points == 0.0
