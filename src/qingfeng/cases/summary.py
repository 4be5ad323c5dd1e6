"""Counts of the case library by category and level, for reports and the README."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..risk import CATEGORY_NAMES, SITUATIONS, Level, category, parse_level
from .model import Case

__all__ = ["LibrarySummary", "summarise"]


@dataclass(frozen=True)
class LibrarySummary:
    total: int
    primary: dict[str, int]  # primary category -> count
    any_category: dict[str, int]  # category anywhere in the list -> count
    levels: dict[Level, int]
    seed_sourced: int
    reprints: int
    situations: dict[str, int] = field(default_factory=dict)  # 风险点定级 / 苗头预警 / 违纪违法移送 -> count

    def missing(self) -> list[str]:
        """Categories or levels with no case at all."""
        out = [f"风险类别“{c}”" for c in CATEGORY_NAMES if not self.any_category.get(c)]
        out += [f"等级{lv.label}" for lv in Level if not self.levels.get(lv)]
        return out

    def lines(self) -> list[str]:
        rows = [f"案例总数：{self.total}（其中取自种子文档 {self.seed_sourced} 个，转载来源 {self.reprints} 个）", "按风险类别（主要类别 / 涉及该类别）："]
        rows += [f"  {c}：{self.primary.get(c, 0)} / {self.any_category.get(c, 0)}" for c in CATEGORY_NAMES]
        rows.append("按等级：")
        rows += [f"  {lv.label}：{self.levels.get(lv, 0)}" for lv in Level]
        rows.append("按情形（001 第十四条 / 第二十八条(一)至(三) / 第二十八条(四)）：")
        rows += [f"  {s.name}：{self.situations.get(s.name, 0)}" for s in SITUATIONS]
        return rows


def summarise(cases: list[Case]) -> LibrarySummary:
    primary: Counter[str] = Counter()
    anyc: Counter[str] = Counter()
    levels: Counter[Level] = Counter()
    for c in cases:
        names = []
        for n in c.annotation.categories:
            try:
                names.append(category(n).name)
            except KeyError:
                continue
        if names:
            primary[names[0]] += 1
        anyc.update(set(names))
        try:
            levels[parse_level(c.annotation.level)] += 1
        except ValueError:
            pass
    return LibrarySummary(
        total=len(cases),
        primary=dict(primary),
        any_category=dict(anyc),
        levels=dict(levels),
        seed_sourced=sum(1 for c in cases if c.source.kind == "种子文档"),
        reprints=sum(1 for c in cases if c.source.reprint),
        situations=dict(Counter(c.annotation.situation for c in cases if c.annotation.situation)),
    )
