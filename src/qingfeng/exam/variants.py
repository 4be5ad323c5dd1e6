"""A/B (and C…) papers: k variants of one blueprint that are different and equal.

*Different*: no item appears on two variants wherever the bank allows it;
when a section's pool is too small, items are reused as little as possible
and the overlap is reported.  *Equal*: every section of every variant has
the same number of items of each **stratum** — the item's full set of risk
categories, the quota topics it carries, its 多选 scoring rule and its bank
points — so counts per risk category, per type, points and scoring rules
(e.g. how many all-or-nothing 多选) are identical across variants, and every
quota of the blueprint is met on each.

Difficulty: when earlier exams in the gradebook give items a 得分率
(:func:`item_history`), the items picked from each stratum are dealt to the
variants in snake order (A B B A …) of that facility, so the variants'
expected facilities stay close; otherwise balance is by coverage only, and
the result says so.
"""
from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..bank import Bank, Item
from .blueprint import Blueprint, BlueprintError, Section
from .paper import Paper, assemble_section, check_bank, eligible, section_where

__all__ = ["VariantDraw", "draw_variants", "variant_labels", "stratum", "item_history", "ATTEMPTS"]

ATTEMPTS = 30  # random restarts of the allocation; the one with the least overlap wins


def variant_labels(k: int) -> list[str]:
    if not 1 <= k <= 26:
        raise BlueprintError(f"变体数量应为 1 至 26，现在是 {k}")
    return [chr(ord("A") + i) for i in range(k)]


def stratum(it: Item, sec: Section) -> tuple:
    """What two items must share to be interchangeable between variants of one section."""
    quota_topics = tuple(sorted(t for t in sec.quotas if t in it.topics and t not in it.categories))
    points = it.points if sec.points_each is None else None
    return (tuple(sorted(it.categories)), quota_topics, it.scoring, points)


@dataclass
class VariantDraw:
    labels: list[str]
    papers: list[Paper]
    overlap: dict[str, list[str]] = field(default_factory=dict)  # section heading -> item ids on more than one variant
    history_items: int = 0  # drawn items with a facility from earlier exams
    expected_facility: dict[str, float] = field(default_factory=dict)  # label -> points-weighted expected 得分率

    @property
    def balance(self) -> str:
        if not self.expected_facility:
            return "难度：题库中的题目尚无以往考试的得分率，各变体只按覆盖面（同类别、同题型、同分值、同计分规则）平衡"
        shown = "、".join(f"{k} 卷 {v:.1%}" for k, v in self.expected_facility.items())
        return f"难度：按以往考试的得分率平衡（{self.history_items} 道抽中的题有历史数据），预计得分率 {shown}"


def _supports(key: tuple, tag: str) -> bool:
    return tag == "" or tag in key[0] or tag in key[1]


def _allocate(strata: dict[tuple, list[Item]], needs: list[tuple[str, int]], k: int, rng: random.Random, where: str):
    """How many items each variant takes from each stratum, per quota tag: {key: [tag, …]}."""
    cap = {s: len(v) // k for s, v in strata.items()}
    taken: dict[tuple, list[str]] = defaultdict(list)
    order = sorted(needs, key=lambda tn: sum(cap[s] for s in strata if _supports(s, tn[0])) - tn[1])
    for tag, n in order:
        for _ in range(n):
            free = [s for s in strata if _supports(s, tag) and len(taken[s]) < cap[s]]
            if not free:  # the bank cannot keep variants apart here: reuse the least used stratum
                free = [s for s in strata if _supports(s, tag) and len(taken[s]) < len(strata[s])]
            if not free:
                shown = f"标注“{tag}”的" if tag else ""
                raise BlueprintError(f"{where}：题库中{shown}题目不够出一份试卷")
            weights = [max(cap[s] - len(taken[s]), 0) + 0.01 for s in free]
            s = rng.choices(free, weights=weights)[0]
            taken[s].append(tag)
    return taken


def _overlap_of(taken: dict[tuple, list[str]], strata: dict[tuple, list[Item]], k: int) -> int:
    return sum(max(0, k * len(tags) - len(strata[s])) for s, tags in taken.items())


def _deal(items: list[Item], per: int, k: int, history: dict[str, float], rng: random.Random) -> list[list[Item]]:
    """``per`` items of one stratum for each of ``k`` variants, disjoint when ``len(items) >= k·per``."""
    pool = items[:]
    rng.shuffle(pool)
    if len(pool) >= k * per:
        pool = pool[:k * per]
        if history:
            known = [history[i.id] for i in pool if i.id in history]
            fill = sum(known) / len(known) if known else 0.0
            pool.sort(key=lambda i: history.get(i.id, fill))
        hands: list[list[Item]] = [[] for _ in range(k)]
        for n, it in enumerate(pool):  # snake order A B … B A keeps sums of facilities close
            rnd, pos = divmod(n, k)
            hands[pos if rnd % 2 == 0 else k - 1 - pos].append(it)
        return hands
    return [[pool[(v * per + j) % len(pool)] for j in range(per)] for v in range(k)]


def _draw_section(bank: Bank, bp: Blueprint, n: int, k: int, rng: random.Random, used: set[str],
                  history: dict[str, float]) -> list[list[tuple[Item, str]]]:
    sec = bp.sections[n]
    where = section_where(bp, n)
    if sec.items:
        from .paper import _draw

        fixed = _draw(bank, sec, where, rng, used)
        return [list(fixed) for _ in range(k)]
    pool = [i for i in eligible(bank, sec) if i.id not in used]
    if len(pool) < sec.count:
        raise BlueprintError(f"{where}：需要 {sec.count} 道{sec.type}题，题库中符合条件的只有 {len(pool)} 道")
    strata: dict[tuple, list[Item]] = defaultdict(list)
    for it in pool:
        strata[stratum(it, sec)].append(it)
    needs = list(sec.quotas.items()) or [("", sec.count)]
    for tag, need in needs:
        fits = sum(len(v) for s, v in strata.items() if _supports(s, tag))
        if fits < need:
            raise BlueprintError(f"{where}：需要 {need} 道标注“{tag}”的{sec.type}题，题库中符合条件的只有 {fits} 道")
    best = None
    for _ in range(ATTEMPTS):
        trial = _allocate(dict(strata), needs, k, random.Random(rng.random()), where)
        score = _overlap_of(trial, strata, k)
        if best is None or score < best[0]:
            best = (score, trial)
        if score == 0:
            break
    taken = best[1]
    out: list[list[tuple[Item, str]]] = [[] for _ in range(k)]
    dealt = []
    for s in sorted(taken, key=str):
        tags = sorted(taken[s], key=lambda t: list(sec.quotas).index(t) if t in sec.quotas else 0)
        dealt.append((tags, _deal(strata[s], len(tags), k, history, rng)))
    if history:  # a stratum's hands are interchangeable: give the easiest hand to the variant hardest so far
        known = list(history.values())
        fill = sum(known) / len(known)
        ease = lambda hand: sum(history.get(i.id, fill) * i.points for i in hand)  # noqa: E731
        totals = [0.0] * k
        dealt.sort(key=lambda d: -(max(map(ease, d[1])) - min(map(ease, d[1]))))
        for n, (tags, hands) in enumerate(dealt):
            order = sorted(range(k), key=lambda v: totals[v])
            ranked = sorted(hands, key=ease, reverse=True)
            dealt[n] = (tags, [None] * k)
            for v, hand in zip(order, ranked):
                dealt[n][1][v] = hand
                totals[v] += ease(hand)
    for tags, hands in dealt:
        for v, hand in enumerate(hands):
            out[v] += list(zip(hand, tags))
    _repair(out, pool, sec, history)
    order = {t: n for n, t in enumerate(sec.quotas)}
    for hand in out:
        hand.sort(key=lambda p: (order.get(p[1], 0), p[0].id))
    return out


def _pair_key(a: Item, b: Item, sec: Section) -> tuple:
    """What a pair of items contributes to a section's profile (categories, quota topics, scoring, points)."""
    ka, kb = stratum(a, sec), stratum(b, sec)
    return tuple(tuple(sorted(x + y if isinstance(x, tuple) else (x, y), key=str)) for x, y in zip(ka, kb))


def _supports_item(it: Item, tag: str) -> bool:
    return tag == "" or tag in it.categories or tag in it.topics


def _repair(hands: list[list[tuple[Item, str]]], pool: list[Item], sec: Section, history: dict[str, float]) -> None:
    """Remove overlap left by strata that were too small, by pair swaps that keep every count equal.

    A shared item x and another item y of the same variant are replaced by two unused items u, w with
    the same combined categories, quota topics, scoring rules and points, each able to fill x's and
    y's quota tags.  Per-category counts stay identical; only the pairing of categories changes.
    """
    k = len(hands)
    if k < 2:
        return
    in_use = lambda: {it.id for hand in hands for it, _ in hand}  # noqa: E731
    unused = [it for it in pool if it.id not in in_use()]
    pairs: dict[tuple, list[tuple[Item, Item]]] = defaultdict(list)
    for n, u in enumerate(unused):
        for w in unused[n + 1:]:
            pairs[_pair_key(u, w, sec)].append((u, w))
    known = list(history.values())
    fill = sum(known) / len(known) if known else 0.0
    ease = lambda items: sum(history.get(i.id, fill) * i.points for i in items)  # noqa: E731
    for v in range(1, k):  # the first variant keeps its items; later ones give up shared ones
        for pos in range(len(hands[v])):
            x, tx = hands[v][pos]
            if not any(x.id in {i.id for i, _ in hands[o]} for o in range(k) if o != v):
                continue
            taken = in_use()
            best = None
            for qos, (y, ty) in enumerate(hands[v]):
                if qos == pos:
                    continue
                for u, w in pairs.get(_pair_key(x, y, sec), ()):
                    if u.id in taken or w.id in taken:
                        continue
                    for a, b in ((u, w), (w, u)):
                        if _supports_item(a, tx) and _supports_item(b, ty):
                            gap = abs(ease((a, b)) - ease((x, y))) if history else 0.0
                            if best is None or gap < best[0]:
                                best = (gap, qos, a, b)
                if best is not None and not history:
                    break
            if best is not None:
                _, qos, a, b = best
                hands[v][pos] = (a, tx)
                hands[v][qos] = (b, hands[v][qos][1])


def draw_variants(blueprint: Blueprint, bank: Bank, k: int, seed: int = 0,
                  history: dict[str, float] | None = None) -> VariantDraw:
    """k papers of ``blueprint``; ``history`` maps bank item ids to 得分率 from earlier exams."""
    check_bank(bank)
    labels = variant_labels(k)
    history = history or {}
    rng = random.Random(seed)
    used: set[str] = set()
    per_variant: list[list] = [[] for _ in range(k)]
    draw = VariantDraw(labels, [])
    for n in range(len(blueprint.sections)):
        hands = _draw_section(bank, blueprint, n, k, rng, used, history)
        counts = defaultdict(int)
        for hand in hands:
            used |= {it.id for it, _ in hand}
            for it, _ in {it.id: (it, t) for it, t in hand}.values():
                counts[it.id] += 1
        for v, hand in enumerate(hands):
            per_variant[v].append(assemble_section(blueprint, n, hand, random.Random(f"{seed}-{v}-{n}")))
        shared = sorted(i for i, c in counts.items() if c > 1)
        if shared and k > 1:
            draw.overlap[per_variant[0][n].heading] = shared
    draw.papers = [Paper(blueprint, seed, tuple(secs)) for secs in per_variant]
    ids = {pi.id for p in draw.papers for pi in p.items}
    draw.history_items = len(ids & set(history))
    if draw.history_items:
        for label, p in zip(labels, draw.papers):
            known = [(history[pi.id], pi.item.points) for pi in p.items if pi.id in history]
            draw.expected_facility[label] = sum(f * w for f, w in known) / sum(w for _, w in known)
    return draw


def item_history(gradebook: Path, exclude: set[str] = frozenset()) -> dict[str, float]:
    """得分率 per bank item id over every marked grade in the gradebook (earlier exams), by points."""
    if not gradebook.is_file():
        return {}
    con = sqlite3.connect(f"file:{gradebook}?mode=ro", uri=True)
    try:
        rows = con.execute(
            """SELECT a.name, b.name, COALESCE(g.manual_score, g.auto_score), gc.max_score FROM grade g
               JOIN base_cell b ON b.id = g.cell_id JOIN grade_cells gc ON gc.id = b.id
               JOIN submitted_notebook sn ON sn.id = g.notebook_id JOIN submitted_assignment sa ON sa.id = sn.assignment_id
               JOIN assignment a ON a.id = sa.assignment_id
               WHERE b.type = 'GradeCell' AND b.name NOT LIKE 'task-%'""").fetchall()
    except sqlite3.Error:
        return {}
    finally:
        con.close()
    got: dict[str, float] = defaultdict(float)
    out_of: dict[str, float] = defaultdict(float)
    for exam, cell, score, max_score in rows:
        if exam in exclude or score is None or not max_score:
            continue
        item = cell.split("-", 1)[1] if "-" in cell else cell
        got[item] += score
        out_of[item] += max_score
    return {i: got[i] / out_of[i] for i in got if out_of[i]}
