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

__all__ = ["Warning", "WARNINGS", "warning_for", "parse_warning", "TRANSFER", "AFTERCARE", "AftercareMeasure"]


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
