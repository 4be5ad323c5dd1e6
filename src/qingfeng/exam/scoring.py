"""Scoring objective items, with partial credit.

Pure functions from (key entry, answer read) to :class:`ItemScore`.  The
nbgrader test cells (:mod:`.cell_marking`) and the fast marker call exactly
these, so both give the same score for the same answer.

Partial credit:

* 填空 — each blank scores its own points; blanks in an ``unordered`` group
  may be answered in any order, each accepted answer counting once.
* 多选 — per item rule (``exams/bank/README.md``): 全对才得分; 少选得一半
  (exact = full, a non-empty subset of the key with no wrong option = half,
  any wrong option = 0); 按对选项计分 (no wrong option: points × right/len(key)).
"""
from __future__ import annotations

from dataclasses import dataclass

from .answers import AnswerRead, blank_key, blank_keys, blank_texts, choice_letters, judgement

__all__ = ["KeyEntry", "ItemScore", "score"]


@dataclass(frozen=True)
class KeyEntry:
    """Everything needed to mark one objective item as it appears on one paper."""

    item_id: str
    type: str
    points: float
    key: tuple[str, ...] = ()  # letters as printed on this paper, or ("对",)/("错",)
    options: tuple[tuple[str, str], ...] = ()  # (letter, text) as printed on this paper
    scoring: str = ""
    blanks: tuple[tuple[tuple[str, ...], float], ...] = ()  # (accepted answers, points)
    unordered: tuple[tuple[int, ...], ...] = ()
    also: tuple[str, ...] = ()  # further answers given full marks (an open 单选/判断)


@dataclass(frozen=True)
class ItemScore:
    item_id: str
    points: float
    max_points: float
    status: str  # correct | partial | wrong | empty | unreadable | unclear | not_literal | missing
    detail: str  # Chinese, never contains the key

    @property
    def full(self) -> bool:
        return self.points == self.max_points


def _r(x: float) -> float:
    return round(x + 0.0, 4)


def score(entry: KeyEntry, answer: AnswerRead) -> ItemScore:
    if answer.status == "missing":
        return ItemScore(entry.item_id, 0.0, entry.points, "missing", "找不到本题的作答格（可能被删除），本题记 0 分")
    if answer.status == "syntax_error":
        return ItemScore(entry.item_id, 0.0, entry.points, "unreadable", "作答格格式被改坏（如引号不成对），无法读取，本题记 0 分")
    if answer.status == "not_literal":
        return ItemScore(entry.item_id, 0.0, entry.points, "not_literal", "作答格被改成了程序代码，系统不运行代码，本题记 0 分")
    if answer.status == "unclear":
        return ItemScore(entry.item_id, 0.0, entry.points, "unclear",
                         "作答格中写了两个不同的答案，系统无法确定，本题暂记 0 分，交阅卷人核对")
    if answer.status == "empty":
        return ItemScore(entry.item_id, 0.0, entry.points, "empty", "未作答")
    if entry.type == "填空":
        return _score_blanks(entry, answer.value)
    if entry.type in ("单选", "多选"):
        return _score_choice(entry, answer.value)
    if entry.type == "判断":
        said = judgement(answer.value)
        if said is None:
            return ItemScore(entry.item_id, 0.0, entry.points, "unreadable", "没有读出“对”或“错”，本题记 0 分")
        ok = (said,) == entry.key or said in entry.also
        return ItemScore(entry.item_id, float(entry.points) if ok else 0.0, entry.points, "correct" if ok else "wrong",
                         "判断正确" if ok else "判断错误")
    raise ValueError(f"题型“{entry.type}”不能自动评分")


def _score_choice(entry: KeyEntry, value: object) -> ItemScore:
    chosen = choice_letters(value, dict(entry.options))
    if chosen is None:
        return ItemScore(entry.item_id, 0.0, entry.points, "unreadable", "没有读出有效的选项字母，本题记 0 分")
    key = frozenset(entry.key)
    if chosen == key or (entry.type == "单选" and len(chosen) == 1 and next(iter(chosen)) in entry.also):
        return ItemScore(entry.item_id, float(entry.points), entry.points, "correct", "选择正确")
    if entry.type == "单选":
        msg = "单选题只能选一个选项" if len(chosen) > 1 else "选择错误"
        return ItemScore(entry.item_id, 0.0, entry.points, "wrong", msg)
    if chosen - key:
        return ItemScore(entry.item_id, 0.0, entry.points, "wrong", "有错选的选项，本题不得分")
    right = len(chosen & key)
    if entry.scoring == "全对才得分":
        return ItemScore(entry.item_id, 0.0, entry.points, "partial" if right else "wrong", "少选，本题须全部选对才得分")
    if entry.scoring == "按对选项计分":
        pts = _r(entry.points * right / len(key))
        return ItemScore(entry.item_id, pts, entry.points, "partial", f"少选，按选对的 {right} 项计分")
    return ItemScore(entry.item_id, _r(entry.points / 2), entry.points, "partial", "少选且无错选，得一半分")


def _score_blanks(entry: KeyEntry, value: object) -> ItemScore:
    n = len(entry.blanks)
    accepted = [{blank_key(a) for a in acc} for acc, _ in entry.blanks]
    known = set().union(*accepted)
    # "P计划": the form without a letter prefix counts when that form is an accepted answer of this item
    texts = [next((k for k in blank_keys(t) if k in known), blank_key(t)) for t in blank_texts(value, n)]
    earned = [False] * n
    grouped = {i for g in entry.unordered for i in g}
    for i in range(n):
        if i + 1 not in grouped:
            earned[i] = bool(texts[i]) and texts[i] in accepted[i]
    for group in entry.unordered:
        idx = [i - 1 for i in group]
        for pos, slot in _match(texts, accepted, idx).items():
            earned[pos] = True
    pts = _r(sum(p for (_, p), ok in zip(entry.blanks, earned) if ok))
    right = sum(earned)
    status = "correct" if right == n else ("partial" if right else ("wrong" if any(texts) else "empty"))
    detail = "、".join(f"第{i + 1}空{'对' if ok else ('错' if texts[i] else '未填')}" for i, ok in enumerate(earned))
    return ItemScore(entry.item_id, pts, entry.points, status, detail)


def _match(texts: list[str], accepted: list[set[str]], idx: list[int]) -> dict[int, int]:
    """Maximum matching of answer positions to blanks within one unordered group."""
    owner: dict[int, int] = {}  # blank index -> answer position

    def augment(pos: int, seen: set[int]) -> bool:
        for slot in idx:
            if slot in seen or not texts[pos] or texts[pos] not in accepted[slot]:
                continue
            seen.add(slot)
            if slot not in owner or augment(owner[slot], seen):
                owner[slot] = pos
                return True
        return False

    for pos in idx:
        augment(pos, set())
    return {pos: slot for slot, pos in owner.items()}
