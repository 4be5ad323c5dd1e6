"""Statistics of an A/B sitting: every variant on its own, and all candidates together.

Variants share their layout (same sections, counts and points per position),
so totals, pass rates, reliability and the unit/department/post rankings are
computed over everyone on a table by position (选择1 … 简答2).  Item
statistics stay per variant (an item is only comparable with itself): the
按题目 view lists each variant's items with a 变体 column and the bank's
题目编号, so an item on both variants appears once per variant side by side.
Risk-category mastery pools every candidate's marks by bank item.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .candidates import candidate_frame
from .data import ScoreTable
from .measures import Thresholds, category_mastery, item_table, unit_category_matrix
from .report import Report, build_report, draw_charts

__all__ = ["by_position", "by_bank_item", "variant_table", "build_sitting_report"]


def _roster(tables: list[tuple[str, ScoreTable]]) -> pd.DataFrame:
    roster = tables[0][1].roster
    for _, t in tables[1:]:
        roster = roster.combine_first(t.roster)
    return roster


def by_position(tables: list[tuple[str, ScoreTable]], exam_id: str, title: str) -> ScoreTable:
    first = tables[0][1]
    items = first.items.copy()
    items.index = pd.Index(list(first.items["题号"]), name="item")
    items["风险类别"] = [()] * len(items)  # a position carries different items on different variants
    scores = pd.concat([t.scores.set_axis(list(t.items["题号"]), axis=1) for _, t in tables])
    scores = scores[~scores.index.duplicated(keep="first")].sort_index()
    late = pd.concat([t.late for _, t in tables])
    late = late[~late.index.duplicated(keep="first")]
    return ScoreTable(exam_id, title, items, scores, _roster(tables), late, None, first.simulated, **_late_policy(tables))


def _late_policy(tables: list[tuple[str, ScoreTable]]) -> dict:
    lateness = {s: v for _, t in tables for s, v in t.lateness.items()}
    return {"lateness": lateness, "refused": sorted({s for _, t in tables for s in t.refused})}


def by_bank_item(tables: list[tuple[str, ScoreTable]], exam_id: str, title: str) -> ScoreTable:
    items = pd.concat([t.items for _, t in tables])
    items = items[~items.index.duplicated(keep="first")]
    scores = pd.concat([t.scores for _, t in tables]).reindex(columns=items.index)
    scores = scores[~scores.index.duplicated(keep="first")]
    return ScoreTable(exam_id, title, items, scores, _roster(tables), **_late_policy(tables))


def variant_table(tables: list[tuple[str, ScoreTable]], th: Thresholds) -> pd.DataFrame:
    rows = []
    for label, t in tables:
        totals = t.complete.sum(axis=1)
        n = len(totals)
        rows.append({"变体": f"{label} 卷", "试卷编号": t.exam_id, "实考": len(t.scores), "统计人数": n,
                     "平均分": totals.mean() if n else np.nan, "中位数": totals.median() if n else np.nan,
                     "标准差": totals.std(ddof=1) if n > 1 else np.nan,
                     "及格率": (totals >= th.pass_share * t.max_total).mean() if n else np.nan,
                     "优秀率": (totals >= th.excellent_share * t.max_total).mean() if n else np.nan})
    return pd.DataFrame(rows)


def build_sitting_report(tables: list[tuple[str, ScoreTable]], exam_id: str, th: Thresholds = Thresholds(),
                         with_charts: bool = True) -> Report:
    title = tables[0][1].title
    r = build_report(by_position(tables, exam_id, title), th, with_charts=False, candidates=candidate_frame(tables))
    items = []
    for label, t in tables:
        part = item_table(t, th)
        part.insert(0, "变体", f"{label} 卷")
        items.append(part)
    r.items = pd.concat(items, ignore_index=True)
    pooled = by_bank_item(tables, exam_id, title)
    r.categories = category_mastery(pooled)
    r.unit_categories = unit_category_matrix(pooled)
    r.variants = variant_table(tables, th)
    if with_charts:
        draw_charts(r)
    return r
