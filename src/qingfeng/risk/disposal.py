"""Warnings (黄/橙/红) and the disposal that follows them.

001 第二十八条 ties each warning colour to a level (低→黄, 中→橙, 高→红)
and lists what each warning sets off; item (四) hands risks that already
amount to a violation over to the competent body.  004 第三篇 names the
three 后期处置 measures (警示提醒、诫勉纠错、责令整改), applied by the
seriousness of the case; it does not tie them to colours, and neither do we.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..sources import Citation, cite
from .levels import Level, parse_level

__all__ = ["Warning", "WARNINGS", "warning_for", "parse_warning", "TRANSFER", "AFTERCARE", "AftercareMeasure",
           "Situation", "SITUATIONS", "RISK_POINT", "SIGN", "VIOLATION", "situation", "situation_for_disposal",
           "NO_WARNING", "Prescription", "prescribed"]


@dataclass(frozen=True)
class Warning:
    colour: str  # 黄 / 橙 / 红
    level: Level
    notice: str
    actions: tuple[str, ...]
    source: Citation

    @property
    def name(self) -> str:
        return f"{self.colour}色预警"


WARNINGS: tuple[Warning, ...] = (
    Warning(
        "黄", Level.THREE, "黄色预警通知书",
        (
            "限期就有关问题作出说明、分析原因，写出剖析材料",
            "对涉及的党员干部进行预警谈话",
            "限期整改存在的问题",
        ),
        cite("001", "第二十八条(一)"),
    ),
    Warning(
        "橙", Level.TWO, "橙色预警通知书",
        (
            "限期认真分析原因，写出剖析材料",
            "督促制定或修正整改措施，限期整改",
            "对分管领导进行预警谈话",
            "对预警对象进行内部通报批评",
            "视情况开展询问与质询",
        ),
        cite("001", "第二十八条(二)"),
    ),
    Warning(
        "红", Level.ONE, "红色预警通知书",
        (
            "限期深刻分析原因，写出剖析材料，落实整改措施",
            "对涉及的党员干部及其所在单位主要领导进行预警谈话",
            "发出纪律检查（监察）建议书，督促整改",
            "视情况对预警对象给予离岗学习、停职检查等处理",
        ),
        cite("001", "第二十八条(三)"),
    ),
)

TRANSFER = ("已构成违纪违法事实的，移送相关部门处置", cite("001", "第二十八条(四)"))

_BY_LEVEL = {w.level: w for w in WARNINGS}
_BY_COLOUR = {w.colour: w for w in WARNINGS}
_COLOUR_ALIASES = {"黄": "黄", "黄色": "黄", "yellow": "黄", "橙": "橙", "橙色": "橙", "橘": "橙", "orange": "橙", "红": "红", "红色": "红", "red": "红"}


def warning_for(level: Level | str | int) -> Warning:
    """The warning 001 第二十八条 gives for a level."""
    return _BY_LEVEL[parse_level(level)]


def parse_warning(text: str) -> Warning:
    """Read 黄/黄色/黄色预警/yellow … as a warning."""
    key = str(text).strip().lower().replace("预警", "")
    if key in _COLOUR_ALIASES:
        return _BY_COLOUR[_COLOUR_ALIASES[key]]
    raise ValueError(f"预警颜色“{text}”无法识别：应为 黄、橙 或 红（清新区办法第二十八条）")


@dataclass(frozen=True)
class AftercareMeasure:
    name: str
    meaning: str
    source: Citation


_AFTER = cite("004", "第三篇 二(三)2(3) 后期处置办法")
AFTERCARE: tuple[AftercareMeasure, ...] = (
    AftercareMeasure("警示提醒", "对出现风险表现的个人及时告诫、提醒", _AFTER),
    AftercareMeasure("诫勉纠错", "诫勉并纠正工作中的失误和偏差", _AFTER),
    AftercareMeasure("责令整改", "对前期预防不到位的单位督导，责令限期整改", _AFTER),
)


@dataclass(frozen=True)
class Situation:
    """Which of 001's three procedures a case is about.

    001 keeps them apart: 第十四条 grades a risk point (nobody need have done
    anything wrong); 第二十六条 and 第二十八条(一)至(三) warn on 苗头性、倾向性
    问题, by level; 第二十八条(四) sends what already amounts to 违纪违法 to
    the competent body.  Only the second sets off a coloured warning.
    """

    name: str
    meaning: str
    response: str  # what 001 prescribes
    source: tuple[Citation, ...]
    warns: bool  # does a 黄/橙/红 warning apply?


RISK_POINT = Situation(
    "风险点定级", "排查出的岗位或环节存在廉政风险，没有人被查出问题",
    "按权力重要程度、自由裁量权、发生概率和危害程度评定等级，经领导班子集体审定，分级管理、级别越高措施越严格；不发预警，不移送",
    (cite("001", "第十四条"),), False)
SIGN = Situation(
    "苗头预警", "发现了可能引发腐败的苗头性、倾向性问题，尚未认定违纪违法",
    "按风险等级由低到高发黄、橙、红色预警并采取对应处置措施",
    (cite("001", "第二十六条"), cite("001", "第二十八条(一)至(三)")), True)
VIOLATION = Situation(
    "违纪违法移送", "已构成违纪违法事实（已受党纪政务处分或被追究刑事责任）",
    "移送相关部门进行处置；预警是为化解苗头，不再适用",
    (cite("001", "第二十八条(四)"),), False)
SITUATIONS: tuple[Situation, ...] = (RISK_POINT, SIGN, VIOLATION)
NO_WARNING = "不预警"

# What a recorded disposal shows about the situation.  A sanction means a
# violation was established (第二十八条(四) “已构成违纪违法事实”); education,
# admonition and organisational measures answer a problem short of that; a rule
# change after an investigation of posts (the seed cases) is risk-point grading.
# “其他” says nothing by itself, so those cases state the situation themselves.
_BY_DISPOSAL = {
    "制度整改": RISK_POINT,
    "批评教育": SIGN, "诫勉谈话": SIGN, "组织处理": SIGN,
    "党纪轻处分": VIOLATION, "党纪重处分": VIOLATION, "开除党籍": VIOLATION, "政务处分": VIOLATION,
    "移送司法": VIOLATION,
}


def situation(name: str) -> Situation:
    for s in SITUATIONS:
        if name.strip() in (s.name, s.name[:2], s.name[-2:]):
            return s
    raise ValueError(f"情形“{name}”无法识别：应为 {'、'.join(s.name for s in SITUATIONS)}（清新区办法第十四条、第二十八条）")


def situation_for_disposal(kind: str) -> Situation | None:
    """The situation a disposal kind establishes, or None when the kind alone does not say (“其他”)."""
    return _BY_DISPOSAL.get(kind)


@dataclass(frozen=True)
class Prescription:
    """What 001 prescribes for a situation at a level: the warning (if any) and the actions."""

    situation: Situation
    level: Level
    warning: Warning | None
    actions: tuple[str, ...]
    explanation: str  # Chinese, citing 001


def prescribed(sit: Situation | str, level: Level | str | int) -> Prescription:
    """The response 001 gives: 第十四条 management, a 第二十八条(一)至(三) warning, or 第二十八条(四) referral."""
    sit = situation(sit) if isinstance(sit, str) else sit
    lv = parse_level(level)
    if sit is SIGN:
        w = warning_for(lv)
        return Prescription(sit, lv, w, w.actions,
                            f"苗头性、倾向性问题按等级预警（001 第二十六条）：{lv.label}对应{w.name}，处置措施"
                            f"（{w.source}）：" + "；".join(w.actions) + "。")
    if sit is VIOLATION:
        return Prescription(sit, lv, None, (TRANSFER[0],),
                            f"已构成违纪违法事实，按{TRANSFER[1]}移送相关部门处置；预警是为及时化解苗头（001 第二十六条），"
                            "不适用于已查实的违纪违法，也不以预警代替处分。")
    return Prescription(sit, lv, None, (),
                        f"这是排查出的风险点，没有人被查出问题：按 001 第十四条评定为{lv.label}并经领导班子集体审定，"
                        "分级管理、级别越高措施越严格（由谁负责见 002 第四阶段）；第二十八条的预警和处置措施都不适用。")
