"""One row per candidate: who, which variant, total, section subtotals, every item's score.

The same table is the grade export (``qingfeng exam export``) and the
考生成绩 sheet of the statistics workbook.  Items are columns by the name
people use (选择3, 简答1 …); A/B variants share that layout, so one sheet
holds everyone, and the 题目对照 sheet names each variant's bank item.
Everyone on the roster gets a row: absent candidates are marked 缺考.
A timed sitting adds 迟交分钟 and 扣分 (:mod:`qingfeng.exam.timing`): 总分 is
after the deduction; a late paper refused by the late policy is listed as
迟交未计分 with no score.
"""
from __future__ import annotations

import re

import pandas as pd

from .data import ScoreTable

__all__ = ["candidate_frame", "item_map_frame", "unit_sheets", "FIXED_COLUMNS"]

FIXED_COLUMNS = ["编号", "姓名", "单位", "部门", "岗位", "变体", "总分"]
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _variant_frame(label: str, t: ScoreTable, sections: list[str]) -> pd.DataFrame:
    scores = t.scores.astype(float)
    subtotals = scores.T.groupby(t.items["部分"], sort=False).sum(min_count=1).T.reindex(columns=sections)
    per_item = scores.rename(columns=dict(zip(t.items.index, t.items["题号"])))
    late = t.late.reindex(scores.index).fillna(False).astype(bool)
    deduction = pd.Series({s: v.deduction for s, v in t.lateness.items()}, dtype=float).reindex(scores.index).fillna(0.0)
    out = pd.concat([pd.DataFrame({"变体": label, "总分": scores.sum(axis=1, min_count=1) - deduction}, index=scores.index),
                     subtotals, per_item], axis=1)
    out["待评题数"] = scores.isna().sum(axis=1)
    out["是否迟交"] = [t.lateness[s].label if s in t.lateness else ("是" if v else "否") for s, v in late.items()]
    out["迟交分钟"] = [t.lateness[s].minutes_late if s in t.lateness else None for s in scores.index]
    out["扣分"] = [t.lateness[s].deduction if s in t.lateness and t.lateness[s].deduction else None for s in scores.index]
    out["缺考"] = "否"
    refused = pd.DataFrame({"变体": label, "是否迟交": "迟交未计分", "缺考": "否",
                            "迟交分钟": [t.lateness[s].minutes_late for s in t.refused]}, index=pd.Index(t.refused))
    return pd.concat([out, refused]) if len(refused) else out


def candidate_frame(tables: list[tuple[str, ScoreTable]]) -> pd.DataFrame:
    """``tables``: (variant label, that variant's ScoreTable); a single paper is [("", table)]."""
    first = tables[0][1]
    sections = list(dict.fromkeys(first.items["部分"]))
    labels = list(first.items["题号"])
    parts = [_variant_frame(label, t, sections) for label, t in tables]
    sat = pd.concat(parts) if parts else pd.DataFrame()
    sat = sat[~sat.index.duplicated(keep="first")]
    roster = first.roster
    for _, t in tables[1:]:
        roster = roster.combine_first(t.roster)
    absent = [i for i in roster.index if i not in sat.index]
    missing = pd.DataFrame({"变体": "", "缺考": "是", "是否迟交": ""}, index=pd.Index(absent))
    timed = ["迟交分钟", "扣分"] if any(t.lateness for _, t in tables) else []  # a timed sitting's late policy
    df = pd.concat([sat, missing]).reindex(columns=["变体", "总分", *sections, *labels, "待评题数", "是否迟交", *timed, "缺考"])
    df.index.name = "编号"
    people = roster.reindex(df.index)[["姓名", "单位", "部门", "岗位"]].fillna("")
    df = pd.concat([people, df], axis=1).reset_index()
    num = ["总分", *sections, *labels]
    df[num] = df[num].astype(float).round(2)
    df = df.sort_values(["单位", "编号"], kind="stable").reset_index(drop=True)
    df = df.astype(object).where(df.notna(), None)
    df["待评题数"] = [None if v is None else int(v) for v in df["待评题数"]]
    if timed:
        df["迟交分钟"] = [None if v is None else int(v) for v in df["迟交分钟"]]
    return df


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
