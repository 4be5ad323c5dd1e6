"""The risk model encodes the seeds faithfully and cites them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from qingfeng.chinese_text import to_simplified
from qingfeng.risk import (AFTERCARE, TRANSFER, CATEGORIES, CATEGORY_NAMES, EIGHT_STEPS, MEASURES, PDCA, SEARCH_LAYERS, STAGES, SUPERVISION,
                           WARNINGS, Level, category, measure, measures_for, parse_level, parse_warning, warning_for)
from qingfeng.sources import SEEDS

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_five_categories_in_the_order_of_000():
    assert CATEGORY_NAMES == ("思想道德风险", "岗位职责风险", "业务流程风险", "制度机制风险", "外部环境风险")


@pytest.mark.parametrize("cat", CATEGORIES, ids=lambda c: c.short)
def test_each_category_keeps_a_definition_from_000_001_and_004(cat):
    assert [d.source.seed_key for d in cat.definitions] == ["000", "001", "004"]
    assert all(len(d.text) > 10 for d in cat.definitions)
    assert cat.manifestations and cat.manifestations_source.seed_key == "004"


def test_category_lookup_accepts_short_and_full_names_and_rejects_others():
    assert category("业务流程").name == "业务流程风险"
    assert category("业务流程风险") is category("process")
    with pytest.raises(KeyError, match="不是五类廉政风险之一"):
        category("经济风险")


def test_three_measures_per_category_from_001_articles_16_to_20():
    assert len(MEASURES) == 15
    articles = {"岗位职责风险": 16, "制度机制风险": 17, "业务流程风险": 18, "思想道德风险": 19, "外部环境风险": 20}
    for name, art in articles.items():
        ids = [m.id for m in measures_for(name)]
        assert ids == [f"M{art}-1", f"M{art}-2", f"M{art}-3"]
    assert str(measure("M19-2").source).endswith("第十九条(二)")
    assert str(measure("M20-3").source).endswith("第二十条(三)")
    with pytest.raises(KeyError, match="未知的防控措施编号"):
        measure("M21-1")


@pytest.mark.parametrize("text,level", [
    ("一级", 1), ("1级", 1), ("高", 1), ("高风险", 1), ("一级（高）", 1), ("二级风险", 2), ("中", 2),
    ("一般", 2), ("2", 2), ("三级(低)", 3), ("低", 3), (3, 3), ("３级", None),
])
def test_levels_are_read_as_people_write_them(text, level):
    if level is None:  # full-width digits are folded by the importer, not here
        with pytest.raises(ValueError):
            parse_level(text)
    else:
        assert parse_level(text) == Level(level)


@pytest.mark.parametrize("text", ["四级", "", "一级（低）", "很高"])
def test_unreadable_or_contradictory_levels_are_refused_in_chinese(text):
    with pytest.raises(ValueError, match="风险等级"):
        parse_level(text)


def test_both_level_names_shown_together():
    assert Level.ONE.label == "一级（高）" and Level.THREE.label == "三级（低）"


def test_warning_colours_follow_001_article_28():
    assert [warning_for(lv).colour for lv in (1, 2, 3)] == ["红", "橙", "黄"]
    assert all(w.source.passage.startswith("第二十八条") for w in WARNINGS)
    assert parse_warning("橙色预警").level == Level.TWO
    assert "离岗学习" in "".join(warning_for("高").actions)
    with pytest.raises(ValueError, match="预警颜色"):
        parse_warning("蓝")


def test_supervision_by_level_from_002():
    assert [s.responsible for s in SUPERVISION] == ["单位主要领导", "单位分管领导", "部门领导"]


def test_pdca_eight_steps_and_aftercare():
    assert [p.name for p in PDCA] == ["计划", "执行", "考核", "修正"]
    assert [s.name for s in STAGES] == ["前期预防", "中期监控", "后期处置"]
    assert [m.name for m in AFTERCARE] == ["警示提醒", "诫勉纠错", "责令整改"]
    assert [s.name for s in EIGHT_STEPS] == ["确定对象", "自查自找", "制定措施", "征求意见", "对照整改", "组织审查", "修改完善", "签字备案"]


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="shared/seeds not beside the repository")
def test_cited_seed_files_exist_and_key_terms_appear_in_them():
    texts = {k: to_simplified((SEEDS_DIR / s.filename).read_text(encoding="utf-8")) for k, s in SEEDS.items()}
    for m in MEASURES:
        assert m.title[:4] in texts["001"] or m.id == "M18-2", m.title  # 18-2 is a paraphrased heading
    for step in EIGHT_STEPS:
        assert f"{step.name}" in texts["000"]
    for w in WARNINGS:
        assert w.notice in texts["001"]
    for m in AFTERCARE:
        assert m.name in texts["004"]
    for stage in STAGES:
        assert stage.name[:2] in texts["004"]
        for means in stage.means:
            assert means in texts["004"], means
    assert re.search("一级风险评定标准", texts["002"])


def test_three_situations_are_kept_apart_as_001_does():
    """001 第十四条 grades a risk point; 第二十六条/第二十八条(一)至(三) warn on 苗头; 第二十八条(四) refers violations."""
    from qingfeng.risk import RISK_POINT, SIGN, VIOLATION, prescribed, situation, situation_for_disposal

    assert [s.warns for s in (RISK_POINT, SIGN, VIOLATION)] == [False, True, False]
    assert situation_for_disposal("制度整改") is RISK_POINT and situation_for_disposal("诫勉谈话") is SIGN
    assert situation_for_disposal("移送司法") is VIOLATION and situation_for_disposal("其他") is None
    assert prescribed(RISK_POINT, "一级").actions == () and prescribed(RISK_POINT, "一级").warning is None
    assert prescribed(SIGN, "三级").warning.colour == "黄" and prescribed(SIGN, "一级").warning.colour == "红"
    assert prescribed(VIOLATION, "一级").actions == (TRANSFER[0],) and prescribed(VIOLATION, "一级").warning is None
    assert situation("苗头预警") is SIGN
    with pytest.raises(ValueError, match="第二十八条"):
        situation("罚款")


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="shared/seeds not beside the repository")
def test_text_in_quotation_marks_is_verbatim_from_the_cited_seed():
    """Quote only verbatim text; paraphrase goes without quotation marks (e.g. not “自由裁量空间大”)."""
    from qingfeng.risk import LUXI_EXAMPLE, METHODS, SEARCH_LAYERS

    texts = {k: re.sub(r"\s", "", to_simplified((SEEDS_DIR / s.filename).read_text(encoding="utf-8"))) for k, s in SEEDS.items()}
    pieces = []
    for c in CATEGORIES:
        pieces += [(d.text, d.source) for d in c.definitions]
        pieces += [("；".join(c.manifestations), c.manifestations_source), ("；".join(c.typical_posts), c.typical_posts_source)]
    pieces += [(m.title + m.summary, m.source) for m in MEASURES] + [(s.requirement, s.source) for s in EIGHT_STEPS]
    pieces += [("；".join(p.activities), p.source) for p in PDCA] + [("；".join(w.actions), w.source) for w in WARNINGS]
    pieces += [(t + "；".join(items), src) for _, t, items, src in LUXI_EXAMPLE] + [(m, src) for m, src in METHODS]
    pieces += [(b, src) for _, b, src in SEARCH_LAYERS]
    quoted = [(q, src) for text, src in pieces for q in re.findall(r"“([^”]+)”", text)]
    assert quoted
    for q, src in quoted:
        assert q in texts[src.seed_key], (str(src), q)


def test_typical_posts_are_cited_where_the_seed_ties_them_to_the_category():
    """001 第十三条(四) names no 执法、审批、采购 posts; 004 第一篇's 社保 control points are not 业务流程-specific."""
    posts = {c.name: (c.typical_posts, str(c.typical_posts_source)) for c in CATEGORIES}
    assert "第十三条(四)" not in posts["外部环境风险"][1] and "第一篇" not in posts["业务流程风险"][1]
    assert "第十三条(一)" in posts["岗位职责风险"][1] and "行政人员和主管人员" in posts["外部环境风险"][0][0]


def test_core_note_of_000_is_not_cited_as_part_of_section_six():
    """000's 核心提示 opens the document before §六; citations must not put it inside §六."""
    assert all("核心提示" not in s.passage or not s.passage.startswith("六") for _, _, s in SEARCH_LAYERS)


def test_handling_judgements_give_a_hint_that_does_not_give_the_answer():
    """Hints-first feedback: the hint names 001 第十四条/第二十六条/第二十八条(四) but not the colour or the actions."""
    from qingfeng.risk.handling import judge_actions, judge_warning

    w = judge_warning("风险点定级", "一级", "一级", "红")
    assert not w.correct and "不应发红色预警" in w.message and "第十四条" in w.hint and "不预警" not in w.hint
    a = judge_actions("违纪违法移送", "一级", None, warning_for("一级").actions)
    assert a.score == 0 and "移送" in a.message and "移送相关部门处置" not in a.hint
    ok = judge_warning("苗头预警", "二级", "二级", "橙")
    assert ok.correct and ok.hint == ""
