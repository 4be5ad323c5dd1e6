"""Question-bank items as dataclasses (format: ``exams/bank/README.md``)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["ITEM_TYPES", "OBJECTIVE_TYPES", "SUBJECTIVE_TYPES", "TOPICS", "BASES", "MULTI_RULES", "DEFAULT_MULTI_RULE",
           "Blank", "RubricPoint", "Item", "BLANK_MARK"]

ITEM_TYPES = ("填空", "单选", "多选", "判断", "简答", "论述")
OBJECTIVE_TYPES = ("填空", "单选", "多选", "判断")
SUBJECTIVE_TYPES = ("简答", "论述")
TOPICS = ("风险管理基础", "廉政风险概念", "五类风险", "风险等级", "预警处置", "PDCA", "风险点排查", "防控措施", "案例研判")
BASES = ("种子文档", "教科书", "开放")
MULTI_RULES = ("全对才得分", "少选得一半", "按对选项计分")
DEFAULT_MULTI_RULE = "少选得一半"
BLANK_MARK = re.compile(r"\{(\d+)\}")


@dataclass(frozen=True)
class Blank:
    accept: tuple[str, ...]
    points: float


@dataclass(frozen=True)
class RubricPoint:
    point: str
    points: float
    # key terms a good answer uses for this point, each "term|synonym|…" (marking aid only; see bank README)
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    stem: str
    points: float  # for 填空: the sum of the blanks
    explanation: str
    basis: str
    categories: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    case: str = ""
    options: tuple[tuple[str, str], ...] = ()  # (letter, text) in bank order
    key: tuple[str, ...] = ()  # letters for choice items, ("对",)/("错",) for 判断
    accept_also: tuple[str, ...] = ()  # 单选/判断 whose answer is genuinely open: other answers given full marks
    scoring: str = ""  # 多选 rule
    blanks: tuple[Blank, ...] = ()
    unordered: tuple[tuple[int, ...], ...] = ()  # groups of 1-based blank numbers
    rubric: tuple[RubricPoint, ...] = ()
    reference: str = ""
    file: str = field(default="", compare=False)

    @property
    def objective(self) -> bool:
        return self.type in OBJECTIVE_TYPES

    @property
    def option_map(self) -> dict[str, str]:
        return dict(self.options)

    def blank_count(self) -> int:
        return len(BLANK_MARK.findall(self.stem))
