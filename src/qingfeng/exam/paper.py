"""Assemble a paper from a blueprint and the bank, reproducibly.

``build_paper(blueprint, bank, seed)`` draws items, fixes their order and
option order, and numbers them.  The same blueprint, bank and seed always
give the same paper.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace

from ..bank import Bank, Item
from ..bank.model import BLANK_MARK, Blank
from .blueprint import Blueprint, BlueprintError, Section
from .scoring import KeyEntry

__all__ = ["PaperItem", "PaperSection", "Paper", "build_paper", "assemble_section", "check_bank", "section_where", "eligible",
           "SECTION_NUMERALS", "item_label"]

SECTION_NUMERALS = "一二三四五六七八九十"


def item_label(heading: str, number: int) -> str:
    """How the candidate's form, its check and the feedback name an item: 选择第 3 题 (from 二、选择题)."""
    return f"{heading.split('、', 1)[-1].removesuffix('题')}第 {number} 题"


@dataclass(frozen=True)
class PaperItem:
    number: int  # within its section, from 1
    item: Item  # points already adjusted for this paper
    options: tuple[tuple[str, str], ...]  # (printed letter, text), after shuffling
    key: tuple[str, ...]  # printed letters (choice) or 对/错
    drawn_for: str = ""  # the quota (category or topic) this item was drawn to fill
    also: tuple[str, ...] = ()  # accept_also, as printed on this paper

    @property
    def id(self) -> str:
        return self.item.id

    def key_entry(self) -> KeyEntry:
        it = self.item
        return KeyEntry(
            item_id=it.id, type=it.type, points=it.points, key=self.key, options=self.options, scoring=it.scoring,
            blanks=tuple((b.accept, b.points) for b in it.blanks), unordered=it.unordered, also=self.also,
        )


@dataclass(frozen=True)
class PaperSection:
    heading: str  # 一、填空题
    section: Section
    items: tuple[PaperItem, ...]

    @property
    def points(self) -> float:
        return sum(pi.item.points for pi in self.items)


@dataclass(frozen=True)
class Paper:
    blueprint: Blueprint
    seed: int
    sections: tuple[PaperSection, ...]

    @property
    def items(self) -> list[PaperItem]:
        return [pi for s in self.sections for pi in s.items]

    @property
    def total(self) -> float:
        return sum(s.points for s in self.sections)


def eligible(bank: Bank, sec: Section) -> list[Item]:
    out = []
    for it in bank.items.values():
        if it.type != sec.type:
            continue
        if sec.id_prefix and not it.id.startswith(sec.id_prefix):
            continue
        if sec.topics and not set(sec.topics) & set(it.topics):
            continue
        if sec.categories and not set(sec.categories) & set(it.categories):
            continue
        out.append(it)
    return sorted(out, key=lambda i: i.id)


def _draw(bank: Bank, sec: Section, where: str, rng: random.Random, used: set[str]) -> list[tuple[Item, str]]:
    if sec.items:
        missing = [i for i in sec.items if i not in bank.items]
        if missing:
            raise BlueprintError(f"{where}：题库中没有这些题目：{'、'.join(missing)}")
        wrong = [i for i in sec.items if bank.items[i].type != sec.type]
        if wrong:
            raise BlueprintError(f"{where}：这些题目不是{sec.type}题：{'、'.join(wrong)}")
        return [(bank.items[i], "") for i in sec.items]
    pool = [i for i in eligible(bank, sec) if i.id not in used]
    if not sec.quotas:
        if len(pool) < sec.count:
            raise BlueprintError(f"{where}：需要 {sec.count} 道{sec.type}题，题库中符合条件的只有 {len(pool)} 道")
        return [(it, "") for it in rng.sample(pool, sec.count)]
    chosen: list[tuple[Item, str]] = []
    taken: set[str] = set()
    for tag, n in sec.quotas.items():
        fits = [i for i in pool if (tag in i.categories or tag in i.topics) and i.id not in taken]
        if len(fits) < n:
            raise BlueprintError(f"{where}：需要 {n} 道标注“{tag}”的{sec.type}题，题库中符合条件的只有 {len(fits)} 道")
        picked = rng.sample(fits, n)
        taken |= {i.id for i in picked}
        chosen += [(i, tag) for i in picked]
    return chosen


def _with_points(it: Item, each: float | None) -> Item:
    if each is None or each == it.points:
        return it
    if it.type == "填空":
        n = len(it.blanks)
        return replace(it, points=each, blanks=tuple(Blank(b.accept, each / n) for b in it.blanks))
    if it.rubric:
        scale = each / it.points
        return replace(it, points=each, rubric=tuple(replace(r, points=r.points * scale) for r in it.rubric))
    return replace(it, points=each)


def _shuffle_options(it: Item, rng: random.Random, shuffle: bool):
    """(printed options, key, accept_also) with letters as printed on this paper."""
    if it.type not in ("单选", "多选"):
        return (), it.key, it.accept_also
    order = list(it.options)
    if shuffle:
        rng.shuffle(order)
    printed = tuple((chr(ord("A") + n), text) for n, (_, text) in enumerate(order))
    relabel = {orig: chr(ord("A") + n) for n, (orig, _) in enumerate(order)}
    return printed, tuple(sorted(relabel[k] for k in it.key)), tuple(sorted(relabel[k] for k in it.accept_also))


def build_paper(blueprint: Blueprint, bank: Bank, seed: int = 0) -> Paper:
    """Draw the paper; raises :class:`BlueprintError` (Chinese) when the bank cannot satisfy it."""
    check_bank(bank)
    rng = random.Random(seed)
    used: set[str] = set()
    sections = []
    for n, sec in enumerate(blueprint.sections):
        drawn = _draw(bank, sec, section_where(blueprint, n), rng, used)
        used |= {it.id for it, _ in drawn}
        sections.append(assemble_section(blueprint, n, drawn, rng))
    return Paper(blueprint, seed, tuple(sections))


def check_bank(bank: Bank) -> None:
    if bank.problems:
        raise BlueprintError(f"题库有 {len(bank.problems)} 处错误，请先运行 qingfeng bank validate 修正")


def section_where(blueprint: Blueprint, n: int) -> str:
    return f"组卷方案“{blueprint.name}”第 {n + 1} 部分（{blueprint.sections[n].title}）"


def assemble_section(blueprint: Blueprint, n: int, drawn: list[tuple[Item, str]], rng: random.Random) -> PaperSection:
    """Section ``n`` of a paper from its drawn (bank item, quota tag) pairs: points, order, options, numbers."""
    sec = blueprint.sections[n]
    drawn = [(_with_points(it, sec.points_each), tag) for it, tag in drawn]
    if blueprint.shuffle_items and not sec.items:
        rng.shuffle(drawn)
    total = sum(it.points for it, _ in drawn)
    if abs(total - sec.points) > 1e-6:
        raise BlueprintError(f"{section_where(blueprint, n)}：所选题目共 {total:g} 分，与本部分规定的 {sec.points:g} 分不符"
                             "（可用 points_each 统一每题分值）")
    items = []
    for k, (it, tag) in enumerate(drawn, start=1):
        options, key, also = _shuffle_options(it, rng, blueprint.shuffle_options)
        items.append(PaperItem(k, it, options, key, tag, also))
    return PaperSection(f"{SECTION_NUMERALS[n]}、{sec.title}", sec, tuple(items))


def stem_with_blanks(it: Item) -> str:
    """The stem with {n} shown as a numbered blank line, e.g. ＿＿(1)＿＿."""
    return BLANK_MARK.sub(lambda m: f"＿＿（{m.group(1)}）＿＿", it.stem)
