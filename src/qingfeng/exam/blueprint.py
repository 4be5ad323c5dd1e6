"""Blueprints: what a paper is made of (``exams/blueprints/*.yaml``).

A blueprint names sections; each section either lists fixed item ids or
draws ``count`` items of one type matching tag filters, optionally with
per-category or per-topic quotas so that two papers drawn with different
seeds (A/B papers) cover the same ground.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..bank.model import ITEM_TYPES

__all__ = ["BlueprintError", "Section", "Blueprint", "load_blueprint"]


class BlueprintError(ValueError):
    """A blueprint that cannot be read or cannot be satisfied; the message is Chinese."""


@dataclass(frozen=True)
class Section:
    title: str
    type: str
    points: float  # the section's total
    count: int
    items: tuple[str, ...] = ()  # fixed items, in order
    topics: tuple[str, ...] = ()  # draw only items with one of these topics
    categories: tuple[str, ...] = ()  # … or with one of these risk categories
    id_prefix: str = ""  # … or whose id starts with this
    quotas: dict[str, int] = field(default_factory=dict)  # category or topic -> how many
    points_each: float | None = None  # override the bank's points


@dataclass(frozen=True)
class Blueprint:
    name: str
    title: str
    instructions: str
    sections: tuple[Section, ...]
    shuffle_options: bool = False
    shuffle_items: bool = False
    reveal_answers_after_close: bool = True
    hidden_answers: tuple[str, ...] = ()  # items whose answers feedback never shows
    note: str = ""

    @property
    def total(self) -> float:
        return sum(s.points for s in self.sections)


def _float(v, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise BlueprintError(f"{where}：应为数字，现在是“{v}”")
    return float(v)


def load_blueprint(path: Path) -> Blueprint:
    name = path.stem
    if not path.is_file():
        raise BlueprintError(f"找不到组卷方案文件 {path}")
    try:
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise BlueprintError(f"{path.name}：YAML 格式错误：{getattr(e, 'problem', e)}") from None
    if not isinstance(d, dict) or not isinstance(d.get("sections"), list) or not d["sections"]:
        raise BlueprintError(f"{path.name}：应包含 title 和 sections（至少一个部分）")
    sections = []
    for n, s in enumerate(d["sections"], start=1):
        where = f"{path.name} 第 {n} 部分"
        if not isinstance(s, dict):
            raise BlueprintError(f"{where}：格式不对")
        if s.get("type") not in ITEM_TYPES:
            raise BlueprintError(f"{where}：题型“{s.get('type')}”无效，应为：{'、'.join(ITEM_TYPES)}")
        items = tuple(str(i) for i in s.get("items") or ())
        count = int(s.get("count", len(items)))
        if count <= 0:
            raise BlueprintError(f"{where}：题目数量 count 应大于 0")
        if items and count != len(items):
            raise BlueprintError(f"{where}：列出了 {len(items)} 道固定题目，count 却是 {count}")
        quotas = {str(k): int(v) for k, v in (s.get("quotas") or {}).items()}
        if quotas and sum(quotas.values()) != count:
            raise BlueprintError(f"{where}：quotas 之和 {sum(quotas.values())} 应等于 count {count}")
        sections.append(Section(
            title=str(s.get("title") or f"第{n}部分"), type=s["type"], points=_float(s.get("points"), f"{where} points"),
            count=count, items=items, topics=tuple(s.get("topics") or ()), categories=tuple(s.get("categories") or ()),
            id_prefix=str(s.get("id_prefix") or ""), quotas=quotas,
            points_each=_float(s["points_each"], f"{where} points_each") if s.get("points_each") is not None else None,
        ))
    return Blueprint(
        name=name, title=str(d.get("title") or name), instructions=str(d.get("instructions") or ""),
        sections=tuple(sections), shuffle_options=bool(d.get("shuffle_options", False)),
        shuffle_items=bool(d.get("shuffle_items", False)),
        reveal_answers_after_close=bool(d.get("reveal_answers_after_close", True)),
        hidden_answers=tuple(str(i) for i in d.get("hidden_answers") or ()), note=str(d.get("note") or ""),
    )
