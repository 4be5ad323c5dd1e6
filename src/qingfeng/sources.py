"""The seed documents the project is built from, and how facts cite them.

Every definition, criterion or measure in :mod:`qingfeng.risk` carries a
:class:`Citation`, so a course page or an exam explanation can always say
which document says what.  The seeds themselves live in ``../shared/seeds``
and are not copied into the package.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Seed", "SEEDS", "Citation", "cite", "seed"]


@dataclass(frozen=True)
class Seed:
    """One source document."""

    key: str  # short key: "000" .. "004"
    filename: str
    title: str
    kind: str  # what sort of document it is, in Chinese

    @property
    def label(self) -> str:
        return f"种子文档 {self.key}《{self.title}》"


SEEDS: dict[str, Seed] = {
    s.key: s
    for s in (
        Seed("000", "000_7e8f68911221f975.txt", "廉政风险防范管理宣讲提纲(2)", "宣讲提纲"),
        Seed("001", "001_0a2a76af38041ea1.txt", "清远市清新区廉政风险防控工作暂行办法", "地方规范性文件"),
        Seed("002", "002_f5c713ad14c082ed.txt", "某高校廉政风险防控实施方案（2023）", "高校实施方案"),
        Seed("003", "003_d2d200fb7e71c6d9.txt", "某区关键岗位廉政风险排查防范调研汇报", "调研汇报"),
        Seed("004", "004_1cff63cdb05d2f05.txt", "廉政风险防范管理（五篇合集，含裕民县理论试题）", "资料合集（繁体）"),
    )
}


def seed(key: str) -> Seed:
    """Return a seed by key, with a Chinese error for unknown keys."""
    try:
        return SEEDS[key]
    except KeyError:
        known = "、".join(SEEDS)
        raise KeyError(f"未知的种子文档编号“{key}”，可用的编号：{known}") from None


@dataclass(frozen=True)
class Citation:
    """Where a fact comes from: a seed and the passage inside it."""

    seed_key: str
    passage: str  # e.g. "第十三条", "§九", "第三篇 二(三)"

    @property
    def seed(self) -> Seed:
        return seed(self.seed_key)

    @property
    def filename(self) -> str:
        return self.seed.filename

    def __str__(self) -> str:
        return f"{self.seed_key}《{self.seed.title}》{self.passage}"


def cite(seed_key: str, passage: str) -> Citation:
    """Build a citation, checking the seed key exists."""
    seed(seed_key)
    return Citation(seed_key, passage)
