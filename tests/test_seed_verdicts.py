"""grade() gives each seed's verdict with its citation, and a teaching level that never undercuts one.

Every test names the seed passage it holds the code to.
"""
from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from qingfeng.cases import load_library
from qingfeng.chinese_text import to_simplified
from qingfeng.risk import Assessment, Level, grade
from qingfeng.sources import SEEDS

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO.parent / "shared" / "seeds"
R = ("高", "中", "低")


def a(**k) -> Assessment:
    base = dict(power="中", money="中", discretion="中", likelihood="中", harm="中", frequency="中", moral="中")
    base.update(k)
    return Assessment.from_mapping(base)


def every_assessment():
    keys = ("power", "money", "discretion", "likelihood", "harm", "frequency", "moral")
    for values in itertools.product(R, repeat=len(keys)):
        for sz in (False, True):
            yield a(**dict(zip(keys, values)), sanzhong_yida="是" if sz else "否")


def test_each_seed_gets_its_own_verdict_with_its_citation():
    r = grade(a())
    assert [v.seed_key for v in r.verdicts] == ["000", "002", "001"]
    assert str(r.verdict("000").source).startswith("000") and "九" in r.verdict("000").source.passage
    assert "第二阶段" in r.verdict("002").source.passage and r.verdict("001").source.passage == "第十四条"


def test_001_article_14_sets_no_threshold_so_gives_no_level():
    """001 第十四条 lists 权力、裁量、概率、危害 and leaves the level to 领导班子集体审定."""
    for x in (a(), a(power="高", likelihood="低", harm="低"), a(power="低", money="低", likelihood="低", harm="低")):
        v = grade(x).verdict("001")
        assert v.level is None and v.fit == "集体审定" and "不设门槛" in v.summary and "集体审定" in v.summary


def test_much_power_is_000_level_one_even_when_likelihood_and_harm_are_low():
    """000 §九(一): posts with 掌握较多…重要权力 are 一级 (the old rule gave 三级 citing 001 第十四条)."""
    r = grade(a(power="高", likelihood="低", harm="低"))
    assert r.verdict("000").level == Level.ONE and r.level == Level.ONE
    assert "掌握较多" in r.verdict("000").summary


def test_less_power_is_000_level_two_and_only_that_is_called_zhangwo_jiaoshao():
    """000 §九(二) is 掌握较少…重要权力; 掌握较多 must never be reported as §九(二)."""
    for x in every_assessment():
        v = grade(x).verdict("000")
        power = v.prongs[0]
        assert power.level == {3: Level.ONE, 2: Level.TWO, 1: Level.THREE}[x.power]
        if x.power == 3:
            assert v.level == Level.ONE


@pytest.mark.parametrize("moral,level", [("高", Level.ONE), ("中", Level.TWO), ("低", Level.THREE)])
def test_000_moral_prong_tu_chu_bijiao_tuchu_bu_chang_biaoxian(moral, level):
    """000 §九(一)–(三), after the semicolon: 思想道德方面突出 / 比较突出 / 不常表现的问题."""
    r = grade(a(power="低", moral=moral))
    assert r.verdict("000").prongs[1].level == level
    assert r.verdict("000").level == min(level, Level.THREE)


def test_sanzhong_yida_always_makes_002_level_one():
    """002 一级风险评定标准 names 三重一大 first; 二级/三级 describe posts without direct 人财物 power, which
    三重一大 is.  So ticking it never leaves 002 at 二/三级 (the old rules disagreed on this guard)."""
    for x in every_assessment():
        if x.sanzhong_yida:
            assert grade(x).verdict("002").level == Level.ONE, x


def test_002_full_fit_for_each_level():
    """002 二、第二阶段: 一级 三重一大+较大人财物+机率高/后果严重; 二级 不直接支配+较高/较严重; 三级 基本不涉及+较低/一般."""
    assert grade(a(sanzhong_yida="是", money="高", harm="高")).verdict("002").fit == "完全符合"
    two = grade(a()).verdict("002")
    assert two.level == Level.TWO and two.fit == "完全符合"
    three = grade(a(money="低", likelihood="低", harm="低")).verdict("002")
    assert three.level == Level.THREE and three.fit == "完全符合"
    part = grade(a(money="高", harm="高")).verdict("002")  # no 三重一大: 一级 not fully met
    assert part.level == Level.ONE and part.fit == "部分符合"


def test_teaching_level_is_never_below_000_or_002_and_says_when_they_differ():
    """The project rule must never contradict a seed's explicit criterion (000 §九, 002 评定标准)."""
    for x in every_assessment():
        r = grade(x)
        v0, v2 = r.verdict("000").level, r.verdict("002").level
        assert r.level == min(v0, v2)
        assert r.agree == (v0 == v2)
        if not r.agree:
            assert "说法不同" in r.reason and v0.tier in r.reason and v2.tier in r.reason


def test_a_temporary_chengguan_fits_002_level_two_not_level_one():
    """003 三(三): 临时用工城管队员“存在很大廉政风险” — no 人财物, no seed rule gives 一级; 002 二级 wording fits."""
    lib = load_library(REPO / "risk_case_library" / "cases")
    c = lib.by_id("S003-03")
    r = c.annotation.graded()
    assert r.level == Level.TWO and r.verdict("002").level == Level.TWO and r.verdict("000").level == Level.THREE
    assert c.annotation.situation == "风险点定级" and c.annotation.warning == ""


def test_no_case_with_much_power_sits_below_level_one():
    """000 §九(一): 掌握较多重要权力 → 一级 (7 cases used to sit at 二级)."""
    lib = load_library(REPO / "risk_case_library" / "cases")
    low = [c.id for c in lib.cases if c.annotation.factors["power"] == "高" and c.annotation.level != "一级"]
    assert low == []


def test_sanctioned_cases_are_not_level_three_without_a_seed_reason():
    """002 二级 consequence is 受到党纪政纪处分; a sanctioned 三级 case must say why (PG-033 does)."""
    lib = load_library(REPO / "risk_case_library" / "cases")
    for c in lib.cases:
        if c.disposal_kind in ("党纪轻处分", "政务处分") and c.annotation.level == "三级":
            assert "不必一致" in c.annotation.reasoning or "原标注" in c.annotation.reasoning, c.id


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="shared/seeds not beside the repository")
def test_quoted_wording_in_verdicts_is_verbatim_from_the_seed():
    """Only verbatim text goes inside “…”; paraphrase goes without quotation marks."""
    texts = {k: to_simplified((SEEDS_DIR / s.filename).read_text(encoding="utf-8")) for k, s in SEEDS.items()}
    seen = 0
    for x in (a(), a(power="高", money="高", likelihood="高", harm="高", moral="高", sanzhong_yida="是"),
              a(power="低", money="低", likelihood="低", harm="低", moral="低")):
        for v in grade(x).verdicts:
            for p in v.prongs:
                for q in re.findall(r"“([^”]+)”", p.wording):
                    seen += 1
                    assert q in texts[v.seed_key], (v.seed_key, q)
    assert seen >= 10


def test_pg034_teachers_without_money_power_are_level_two_not_one():
    """PG-034 (教辅回扣): 人财物低、可能性高、受政务处分.  002 二级 wording “发生机率较高,或者一旦发生可能造成较为
    严重后果,有可能违反党纪政纪和相关法规,受到党纪政纪处分” is not exceeded; 三级's “基本不涉及人、财、物的支配权”
    fits but 机率高/政务处分 exceed it; 000 §九(二) 思想道德方面比较突出 is 二级.  The old tie rule gave 一级."""
    lib = load_library(REPO / "risk_case_library" / "cases")
    r = lib.by_id("PG-034").annotation.graded()
    assert r.verdict("002").level == Level.TWO and r.verdict("002").fit == "部分符合"
    assert r.verdict("000").level == Level.TWO and r.level == Level.TWO and r.agree
    assert lib.by_id("PG-034").annotation.level == "二级"
