"""Risk levels: two naming schemes for one three-step scale.

The seeds disagree on names.  000 (§九) and 002 (第二阶段) grade risks as
一级/二级/三级 (一级 is the most serious); 001 (第十四条) grades them
高/中/低, and 002 also uses 高/中/低 (一(四)3) and calls the middle step
“一般风险”.  002 uses both schemes side by side for the same three steps,
which is why the project stores one ordinal, ``Level``, and shows both names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from ..sources import Citation, cite

__all__ = ["Level", "LevelCriterion", "CRITERIA", "Supervision", "SUPERVISION", "parse_level", "LEVEL_SCHEMES"]


class Level(IntEnum):
    """1 is the most serious (一级 = 高), 3 the least (三级 = 低)."""

    ONE = 1
    TWO = 2
    THREE = 3

    @property
    def tier(self) -> str:
        """Name in the 000/002 scheme."""
        return ("一级", "二级", "三级")[self - 1]

    @property
    def band(self) -> str:
        """Name in the 001 scheme."""
        return ("高", "中", "低")[self - 1]

    @property
    def label(self) -> str:
        """Both names, e.g. ``一级（高）``."""
        return f"{self.tier}（{self.band}）"


LEVEL_SCHEMES = {
    "一级/二级/三级": (cite("000", "九、廉政风险等级划分的原则"), cite("002", "二、第二阶段 2.排查廉政风险")),
    "高/中/低": (cite("001", "第十四条"), cite("002", "一、(四)3.评估风险等级")),
}


@dataclass(frozen=True)
class LevelCriterion:
    level: Level
    text: str
    source: Citation


CRITERIA: tuple[LevelCriterion, ...] = (
    LevelCriterion(Level.ONE, "掌握较多执纪执法、行政许可、行政处罚、项目审批及人事、资金、物资采购等重要权力的单位和岗位；思想道德方面问题突出。", cite("000", "九(一)")),
    LevelCriterion(Level.TWO, "掌握上述重要权力较少的单位和岗位；思想道德方面问题比较突出。", cite("000", "九(二)")),
    LevelCriterion(Level.THREE, "没有许可、处罚、审批权，较少或基本不掌握人财物管理权、以内部管理为主的单位和岗位；思想道德方面问题不常表现。", cite("000", "九(三)")),
    LevelCriterion(Level.ONE, "涉及“三重一大”事项，人财物管理权较大，发生几率高或一旦发生后果严重，可能触犯法律、构成犯罪。", cite("002", "二、第二阶段 一级风险评定标准")),
    LevelCriterion(Level.TWO, "不直接支配人财物，但能借助工作中的权力和机会谋私，发生几率较高或后果较严重，可能受到党纪政纪处分。", cite("002", "二、第二阶段 二级风险评定标准")),
    LevelCriterion(Level.THREE, "基本不涉及人财物支配权，可能谋取少许私利，发生几率较低或只造成一般违规违纪，可能受内部追责、通报批评、诫勉或提醒谈话。", cite("002", "二、第二阶段 三级风险评定标准")),
)


@dataclass(frozen=True)
class Supervision:
    level: Level
    responsible: str  # who is answerable
    direct: str  # who manages directly
    source: Citation


SUPERVISION: tuple[Supervision, ...] = (
    Supervision(Level.ONE, "单位主要领导", "分管领导", cite("002", "二、第四阶段 监督检查考核")),
    Supervision(Level.TWO, "单位分管领导", "部门领导", cite("002", "二、第四阶段 监督检查考核")),
    Supervision(Level.THREE, "部门领导", "部门领导", cite("002", "二、第四阶段 监督检查考核")),
)

_TIER = {"一": 1, "二": 2, "三": 3, "1": 1, "2": 2, "3": 3, "壹": 1, "贰": 2, "叁": 3}
_BAND = {"高": 1, "中": 2, "一般": 2, "低": 3}


def parse_level(text: str | int | Level) -> Level:
    """Read a level as people write it: 一级, 1级, 1, 一, 高, 高风险, 中等, 一级（高）…

    Raises ``ValueError`` with a Chinese message for anything else.
    """
    if isinstance(text, Level):
        return text
    if isinstance(text, int) and not isinstance(text, bool):
        if text in (1, 2, 3):
            return Level(text)
        raise ValueError(f"风险等级“{text}”无法识别：应为 1、2、3（一级、二级、三级）")
    raw = str(text).strip()
    s = re.sub(r"[\s（）()]|风险|等级|等|级别?", "", raw)
    found: set[int] = set()
    for part in re.split(r"[/／、]", s) if s else []:
        if part in _TIER:
            found.add(_TIER[part])
        elif part in _BAND:
            found.add(_BAND[part])
        else:
            m = re.fullmatch(r"([一二三123])(高|中|一般|低)?", part)
            if m:
                found.add(_TIER[m.group(1)])
                if m.group(2):
                    found.add(_BAND[m.group(2)])
            else:
                found.add(-1)
    if len(found) == 1 and -1 not in found:
        return Level(found.pop())
    if len(found) > 1 and -1 not in found:
        raise ValueError(f"风险等级“{raw}”前后矛盾：一级=高、二级=中、三级=低")
    raise ValueError(f"风险等级“{raw}”无法识别：可写一级/二级/三级、1级/2级/3级，或高/中/低")
