"""The bank validates; blueprints draw reproducible, equally covering papers or refuse clearly."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from qingfeng.bank import load_bank
from qingfeng.cases import load_library
from qingfeng.exam.blueprint import BlueprintError, load_blueprint
from qingfeng.exam.notebook import render_notebook
from qingfeng.exam.paper import build_paper
from qingfeng.risk import CATEGORY_NAMES

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bank():
    case_ids = {c.id for c in load_library(REPO / "risk_case_library" / "cases").cases}
    return load_bank(REPO / "exams" / "bank", case_ids)


def test_the_bank_validates_and_is_large_enough(bank):
    assert [str(p) for p in bank.problems] == []
    beyond_sample = [i for i in bank.items.values() if not i.id.startswith("YM-")]
    assert len(beyond_sample) >= 120
    cats = Counter(c for i in beyond_sample for c in i.categories)
    assert all(cats[c] >= 5 for c in CATEGORY_NAMES), cats
    topics = Counter(t for i in beyond_sample for t in i.topics)
    for t in ("风险等级", "预警处置", "PDCA", "风险点排查", "案例研判"):
        assert topics[t] >= 5, (t, topics)


def test_every_item_cites_a_source_and_explains(bank):
    for item in bank.items.values():
        assert item.sources and len(item.explanation) >= 8, item.id


def test_the_sample_paper_reproduces_the_seed_sections_and_100_points(bank):
    bp = load_blueprint(REPO / "exams" / "blueprints" / "yumin-sample.yaml")
    paper = build_paper(bp, bank)
    assert [(s.section.title, s.points) for s in paper.sections] == [("填空题", 19), ("选择题", 10), ("判断题", 10), ("简答题", 30), ("论述题", 31)]
    assert paper.total == 100


def _write(tmp_path, data, name="bp.yaml"):
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


QUOTA_BP = {"title": "A/B 卷", "shuffle_options": True, "sections": [
    {"title": "单项选择题", "type": "单选", "count": 5, "points": 5, "points_each": 1,
     "quotas": {c: 1 for c in CATEGORY_NAMES}},
    {"title": "判断题", "type": "判断", "count": 4, "points": 4, "points_each": 1, "topics": ["PDCA", "预警处置", "风险等级"]},
]}


def test_seeds_give_reproducible_ab_papers_with_equal_coverage(bank, tmp_path):
    bp = load_blueprint(_write(tmp_path, QUOTA_BP))
    a1, a2, b = build_paper(bp, bank, 1), build_paper(bp, bank, 1), build_paper(bp, bank, 2)
    assert [p.id for p in a1.items] == [p.id for p in a2.items]
    assert [p.options for p in a1.items] == [p.options for p in a2.items]
    assert {p.id for p in a1.items} != {p.id for p in b.items}

    def coverage(paper):
        sec = paper.sections[0]
        assert all(pi.drawn_for in pi.item.categories for pi in sec.items)
        return Counter(pi.drawn_for for pi in sec.items)

    assert coverage(a1) == coverage(b) == Counter({c: 1 for c in CATEGORY_NAMES})
    assert a1.total == b.total == 9


def test_shuffled_options_keep_the_key_pointing_at_the_same_text(bank, tmp_path):
    bp = load_blueprint(_write(tmp_path, QUOTA_BP))
    for seed in range(5):
        for pi in build_paper(bp, bank, seed).sections[0].items:
            original = {bank.items[pi.id].option_map[k] for k in bank.items[pi.id].key}
            assert {dict(pi.options)[k] for k in pi.key} == original


@pytest.mark.parametrize("change,message", [
    ({"sections": [{"title": "x", "type": "单选", "count": 500, "points": 500, "points_each": 1}]}, "题库中符合条件的只有"),
    ({"sections": [{"title": "x", "type": "单选", "count": 2, "points": 2, "points_each": 1, "quotas": {"外部环境风险": 2, "PDCA": 1}}]}, "quotas 之和"),
    ({"sections": [{"title": "x", "type": "单选", "count": 2, "points": 5, "points_each": 1}]}, "与本部分规定的 5 分不符"),
    ({"sections": [{"title": "x", "type": "问答", "count": 1, "points": 1}]}, "题型“问答”无效"),
    ({"sections": [{"title": "x", "type": "单选", "items": ["NO-SUCH-1"], "points": 1}]}, "题库中没有这些题目：NO-SUCH-1"),
    ({"sections": [{"title": "x", "type": "单选", "items": ["YM-PD-01"], "points": 1}]}, "不是单选题"),
    ({"sections": [{"title": "x", "type": "单选", "count": 1, "points": "一分"}]}, "应为数字"),
    ({"sections": []}, "至少一个部分"),
])
def test_unsatisfiable_blueprints_are_refused_in_chinese(bank, tmp_path, change, message):
    with pytest.raises(BlueprintError, match=message):
        build_paper(load_blueprint(_write(tmp_path, {"title": "t", **change})), bank)


def test_bank_errors_name_file_item_and_field(tmp_path):
    items = [
        {"id": "X-1", "type": "单选", "stem": "题干", "options": {"A": "a", "B": "b"}, "key": "C", "points": 1,
         "tags": {"topics": ["PDCA"], "sources": ["004"]}, "basis": "种子文档", "explanation": "依据 004 第三篇"},
        {"id": "X-2", "type": "填空", "stem": "{1} 和 {2}", "blanks": [{"accept": ["甲"], "points": 0.5}],
         "tags": {"topics": ["PDCA"], "sources": ["004"]}, "basis": "种子文档", "explanation": "依据 004 第三篇"},
        {"id": "X-3", "type": "简答", "stem": "题干", "points": 5, "rubric": [{"point": "要点", "points": 2}],
         "tags": {"topics": ["未知主题"], "sources": ["004"]}, "basis": "猜的", "explanation": "依据 004 第三篇"},
        {"id": "X-4", "type": "多选", "stem": "题干", "options": {"A": "a", "B": "b"}, "key": ["A"], "points": 2,
         "scoring": "随便", "tags": {"topics": ["PDCA"], "sources": ["004"], "case": "NOPE-1"}, "basis": "开放",
         "explanation": "依据 004 第三篇"},
    ]
    (tmp_path / "b.yaml").write_text(yaml.safe_dump({"schema_version": 1, "items": items}, allow_unicode=True), encoding="utf-8")
    found = [str(p) for p in load_bank(tmp_path, case_ids=set()).problems]
    expected = [
        "b.yaml：题目 X-1，字段“key”：答案“C”不是已有的选项",
        "b.yaml：题目 X-2，字段“blanks”：题干有 2 个空，blanks 却列了 1 项",
        "b.yaml：题目 X-3，字段“rubric”：评分要点分值之和 2 不等于题目分值 5",
        "b.yaml：题目 X-3，字段“tags.topics”：主题“未知主题”不在主题表中",
        "b.yaml：题目 X-3，字段“basis”：答案依据“猜的”无效",
        "b.yaml：题目 X-4，字段“key”：多选题至少要有两个正确选项",
        "b.yaml：题目 X-4，字段“scoring”：计分规则“随便”无效",
        "b.yaml：题目 X-4，字段“tags.case”：案例库中没有编号为 NOPE-1 的案例",
    ]
    for e in expected:
        assert any(f.startswith(e) for f in found), (e, found)


def test_rendered_notebook_is_valid_nbgrader_and_carries_no_key(bank):
    from nbgrader.nbgraderformat import MetadataValidator

    paper = build_paper(load_blueprint(REPO / "exams" / "blueprints" / "yumin-sample.yaml"), bank)
    nb = render_notebook(paper, "yumin-sample")
    MetadataValidator().validate_nb(nb)
    # task cells hold the mark scheme by design (stripped on release); nothing else may hold an answer
    text = "\n".join(c.source for c in nb.cells if not c.metadata["nbgrader"].get("task"))
    assert "财产损失" not in text and "诫勉纠错" not in text  # blank answers are nowhere in the notebook
    tests = [c for c in nb.cells if c.metadata["nbgrader"].get("grade_id", "").startswith("test-")]
    assert len(tests) == 28 and sum(c.metadata["nbgrader"]["points"] for c in tests) == 39


def test_accept_also_is_relabelled_with_the_shuffled_options(bank, tmp_path):
    from dataclasses import replace

    original = bank.items["YM-XZ-02"]
    item = replace(original, accept_also=("C",), basis="开放")
    bank.items["YM-XZ-02"] = item
    try:
        bp = load_blueprint(_write(tmp_path, {"title": "t", "shuffle_options": True, "sections": [
            {"title": "x", "type": "单选", "items": ["YM-XZ-02"], "points": 1}]}))
        for seed in range(6):
            pi = build_paper(bp, bank, seed).items[0]
            printed = dict(pi.options)
            assert {printed[k] for k in pi.also} == {item.option_map["C"]}
            assert {printed[k] for k in pi.key} == {item.option_map[k] for k in item.key}
    finally:
        bank.items["YM-XZ-02"] = original


def _sample_entries(bank):
    from qingfeng.exam.answers import OK, AnswerRead
    from qingfeng.exam.scoring import score

    paper = build_paper(load_blueprint(REPO / "exams" / "blueprints" / "yumin-sample.yaml"), bank)
    entries = {pi.item.id: pi.key_entry() for s in paper.sections for pi in s.items}
    return entries, lambda item_id, value: score(entries[item_id], AnswerRead(OK, value)).points


def test_judgement_8_accepts_only_dui(bank):
    """001 第十九条(一) 加大教育力度 and 004 第三篇 二(三)2(1)'s list (廉政教育、谈心活动、人文关怀 first) support 对."""
    item = bank.items["YM-PD-08"]
    assert item.key == ("对",) and item.accept_also == () and item.basis == "种子文档"
    _, mark = _sample_entries(bank)
    assert mark("YM-PD-08", "对") == 1 and mark("YM-PD-08", "错") == 0


def test_the_missing_choice_6_point_sits_on_a_well_founded_item(bank):
    """The paper prints 选择题10分 with 9 items (004 第五篇 二); the extra point moved from 选择 10 (no seed text for its
    key) to 选择 3, whose key 重大项目安排 is verbatim in 004 第三篇 四(二)1 and 002 一级风险评定标准."""
    by_id = bank.items
    assert by_id["YM-XZ-10"].points == 1 and by_id["YM-XZ-03"].points == 2
    assert "第3题" in by_id["YM-XZ-10"].explanation and "原先放在第10题" in by_id["YM-XZ-03"].explanation
    _, mark = _sample_entries(bank)
    assert mark("YM-XZ-03", "D") == 2 and mark("YM-XZ-10", "C") == 1


@pytest.mark.parametrize("item_id,answer,expected", [
    # 填空 3: 找准风险点 (004 第三篇 二(三)1) → 识别; 防范和控制这些风险 (004 第三篇 二(三)) → 控制; 不确定 the textbook wording
    ("YM-TK-03", ["不确定", "识别", "评估", "控制"], 2.0),
    # 填空 7: 000 篇首 “廉政风险是可防范的”, 004 第三篇 “防范和控制” → 可防可控性
    ("YM-TK-07", ["客观性", "潜在性", "可防可控性"], 1.5),
    # CT-TK-03: 001 第十三条(三) “个人自由裁量权空间过大”, 第十六条(二) “规范行政自由裁量权”
    ("CT-TK-03", ["集中", "不规范", "自由裁量权"], 3.0),
])
def test_widened_blanks_follow_the_seed_wording(bank, item_id, answer, expected):
    if item_id.startswith("YM-"):
        _, mark = _sample_entries(bank)
        assert mark(item_id, tuple(answer)) == expected
    else:
        item = bank.items[item_id]
        accepted = [set(b.accept) for b in item.blanks]
        assert all(a in acc for a, acc in zip(answer, accepted))
        assert sum(b.points for b in item.blanks) == expected


def test_case_items_on_level_and_handling_agree_with_the_case_library(bank):
    """The answer must follow the regraded library: level (000 §九 / 002, the heavier) and the situation's handling
    (001 第十四条 no warning; 第二十八条(一)至(三) colour by level; 第二十八条(四) referral, no warning)."""
    lib = {c.id: c for c in load_library(REPO / "risk_case_library" / "cases").cases}
    asked = [i for i in bank.items.values() if i.case and "该风险点的等级和处理应为" in i.stem]
    assert len(asked) >= 8
    for item in asked:
        c = lib[item.case]
        answer = item.option_map[item.key[0]]
        assert answer.startswith(c.annotation.level_value.label), item.id
        if c.annotation.warning:
            assert f"发{c.annotation.warning}色预警" in answer, item.id
        else:
            assert "不发预警" in answer, item.id
        assert "案例库标注：" in item.explanation and c.annotation.situation in item.explanation, item.id
    for item in bank.items.values():  # no explanation still states the old “等级X级，Y色预警” pairing for a non-苗头 case
        c = lib.get(item.case)
        if c and not c.annotation.warning:
            assert not re.search(r"等级[一二三]级，[黄橙红]色预警", item.explanation), item.id
