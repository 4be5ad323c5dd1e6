"""Prevention measures per risk category (001 第十六至二十条).

Each measure has a stable id ``M16-1`` … ``M20-3`` (article and item of
seed 001), which case files reference in ``prevention_measures``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..sources import Citation, cite
from .categories import Category, category

__all__ = ["Measure", "MEASURES", "measure", "measures_for"]


@dataclass(frozen=True)
class Measure:
    id: str
    category: str  # full category name
    title: str
    summary: str
    source: Citation


def _m(article: int, item: int, cat: str, title: str, summary: str) -> Measure:
    numerals = "一二三四五六七八九十"
    passage = f"第{'十' + numerals[article - 11] if article < 20 else '二十'}条({numerals[item - 1]})"
    return Measure(f"M{article}-{item}", category(cat).name, title, summary, cite("001", passage))


MEASURES: tuple[Measure, ...] = (
    _m(16, 1, "岗位职责", "优化权力结构", "科学分解和配置权力，让决策权、执行权、监督权既相互制约又相互协调。"),
    _m(16, 2, "岗位职责", "规范行政自由裁量权", "为处罚、许可审批、强制、征收等建立裁量基准，定出具体标准和细则。"),
    _m(16, 3, "岗位职责", "推进权力公开透明运行", "推行党务、政务、厂务、村（居）务公开，扩大社会监督。"),
    _m(17, 1, "制度机制", "完善制度", "梳理现有制度：过时的废止，不完善的健全，缺失的及时补建。"),
    _m(17, 2, "制度机制", "执行制度", "健全监督约束机制，提高执行力，一级抓一级、逐级抓落实。"),
    _m(17, 3, "制度机制", "制度衡权", "明确分工、分解职权、强化内部监督，用制度约束和监督权力运行。"),
    _m(18, 1, "业务流程", "规范业务流程", "把决策与执行、审核与批复、调配与使用、调查与处理分开，画出相互牵制的流程图。"),
    _m(18, 2, "业务流程", "网上审批与电子监察", "审批岗位推行网上审批、并联审批和电子监察；暂不能网上办的，加大审批流程公开。"),
    _m(18, 3, "业务流程", "纳入电子监察实时监控", "把风险点和公共资源配置、公共资金使用逐步纳入电子监察和网上公开。"),
    _m(19, 1, "思想道德", "加大教育力度", "以经常性教育为主，丰富形式和内容，反复强化。"),
    _m(19, 2, "思想道德", "健全激励机制", "正面激励为主、批评教育为辅，表扬与批评、奖励与鼓励、树榜样与曝光案例相结合。"),
    _m(19, 3, "思想道德", "加大舆论宣传", "宣扬真善美，营造诚信守法、廉洁从政的氛围。"),
    _m(20, 1, "外部环境", "破除行业潜规则", "从制度和法规入手加大监管和处罚，对监管部门实行问责，责任落实到人。"),
    _m(20, 2, "外部环境", "落实回避制度", "落实任职回避、地域回避、公务回避，减少亲属关系等人为干扰。"),
    _m(20, 3, "外部环境", "引导外部监督", "开展公述民评等社会评价，引导社会、群众、媒体参与监督。"),
)

_BY_ID = {m.id: m for m in MEASURES}


def measure(measure_id: str) -> Measure:
    try:
        return _BY_ID[measure_id]
    except KeyError:
        raise KeyError(f"未知的防控措施编号“{measure_id}”，应为 M16-1 至 M20-3 之一（清新区办法第十六至二十条）") from None


def measures_for(cat: str | Category) -> tuple[Measure, ...]:
    name = cat.name if isinstance(cat, Category) else category(cat).name
    return tuple(m for m in MEASURES if m.category == name)
