"""One row per candidate: who, which variant, total, section subtotals, every item's score.

The same table is the grade export (``qingfeng exam export``) and the
考生成绩 sheet of the statistics workbook.  Items are columns by the name
people use (选择3, 简答1 …); A/B variants share that layout, so one sheet
holds everyone, and the 题目对照 sheet names each variant's bank item.
Everyone on the roster gets a row: absent candidates are marked 缺考.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .data import ScoreTable

__all__ = ["candidate_frame", "item_map_frame", "unit_sheets", "FIXED_COLUMNS"]

FIXED_COLUMNS = ["编号", "姓名", "单位", "部门", "岗位", "变体", "总分"]
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _round(v: float) -> float | None:
    return None if v != v else round(float(v), 2)


def candidate_frame(tables: list[tuple[str, ScoreTable]]) -> pd.DataFrame:
    """``tables``: (variant label, that variant's ScoreTable); a single paper is [("", table)]."""
    first = tables[0][1]
    sections = list(dict.fromkeys(first.items["部分"]))
    labels = list(first.items["题号"])
    rows, sat = [], set()
    roster = first.roster
    for label, t in tables:
        roster = roster.combine_first(t.roster)
        for sid, scores in t.scores.iterrows():
            sat.add(sid)
            by_label = dict(zip(t.items["题号"], scores))
            subtotal = {sec: _round(scores[t.items.index[t.items["部分"] == sec]].sum(min_count=1)) for sec in sections}
            pending = int(scores.isna().sum())
            rows.append({"编号": sid, "变体": label, "总分": _round(scores.sum()), **subtotal,
                         **{lab: _round(by_label.get(lab, np.nan)) for lab in labels},
                         "待评题数": pending, "是否迟交": "是" if bool(t.late.get(sid, False)) else "否", "缺考": "否"})
    for sid in roster.index:
        if sid not in sat:
            rows.append({"编号": sid, "变体": "", "总分": None, "待评题数": None, "是否迟交": "", "缺考": "是"})
    df = pd.DataFrame(rows, columns=["编号", "变体", "总分", *sections, *labels, "待评题数", "是否迟交", "缺考"])
    people = roster.reindex(df["编号"]).reset_index(drop=True)[["姓名", "单位", "部门", "岗位"]].fillna("")
    df = pd.concat([df[["编号"]], people, df.drop(columns=["编号"])], axis=1)
    df = df.sort_values(["单位", "编号"], kind="stable").reset_index(drop=True)
    return df.astype(object).where(df.notna(), None)


def item_map_frame(tables: list[tuple[str, ScoreTable]]) -> pd.DataFrame:
    """题号, 部分, 满分, then each variant's bank item id (题目编号)."""
    first = tables[0][1]
    out = pd.DataFrame({"题号": list(first.items["题号"]), "部分": list(first.items["部分"]), "满分": list(first.items["满分"])})
    for label, t in tables:
        out[f"{label} 卷题目编号" if label else "题目编号"] = list(t.items.index)
    return out


def unit_sheets(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One sheet per unit (Excel sheet names: at most 31 characters, no []:*?/\\, unique)."""
    out: dict[str, pd.DataFrame] = {}
    for unit, part in df.groupby("单位", sort=True):
        name = _BAD_SHEET.sub("_", str(unit) or "（未填）")[:31]
        base, n = name, 2
        while name in out or name in ("成绩", "题目对照", "说明"):
            name = f"{base[:28]}({n})"
            n += 1
        out[name] = part.reset_index(drop=True)
    return out
