"""Write the statistics for people who do not use Jupyter: xlsx, HTML, PNG and CSV.

``build_report`` computes every view once (:class:`Report`); ``write_report``
writes a workbook (one sheet per view, Chinese headers), PNG charts, an HTML
page with the charts embedded, and per-question CSV in UTF-8 with BOM so that
Excel on Chinese Windows opens it correctly.
"""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..spreadsheet import write_frames
from . import charts
from .data import ScoreTable
from .measures import (ExamSummary, Thresholds, alpha_caveat, category_mastery, distribution, exam_summary, group_table,
                       item_table, unit_category_matrix)

__all__ = ["Report", "build_report", "write_report", "SIMULATED_NOTE"]

SIMULATED_NOTE = "【模拟数据】本报告的考生和成绩由程序模拟生成，仅用于演示，不是真实考试结果。"


@dataclass
class Report:
    table: ScoreTable
    thresholds: Thresholds
    summary: ExamSummary
    distribution: pd.DataFrame
    units: pd.DataFrame
    departments: pd.DataFrame
    posts: pd.DataFrame
    items: pd.DataFrame
    categories: pd.Series
    unit_categories: pd.DataFrame
    charts: dict[str, bytes]
    candidates: pd.DataFrame | None = None  # one row per candidate (the grade export's table)
    variants: pd.DataFrame | None = None  # A/B sittings: one row per variant

    @property
    def notes(self) -> list[str]:
        s = self.summary
        out = [SIMULATED_NOTE] if self.table.simulated else []
        out.append(f"统计基数：已全部评完的 {s.marked} 人。缺考 {s.absent} 人；{s.pending} 人尚有题目待人工评分，"
                   f"不计入平均分、及格率和题目统计；" + _late_note(self.table, s.late))
        if s.pending:
            t = self.table
            waiting = t.scores.isna().sum()
            items = "、".join(t.items.loc[i, "题号"] for i in waiting[waiting > 0].index[:12]) + ("等" if (waiting > 0).sum() > 12 else "")
            out.append(f"待人工评分：{s.pending} 名考生的 {t.pending_cells} 道题（{items}，共 {(waiting > 0).sum()} 道题）尚未评分。"
                       "请在 Formgrader 中评完后重新运行 qingfeng stats。")
            if not s.marked:
                out.append("目前还没有全部评完的考生：总分、平均分、及格率、分数分布和单位排名暂缺；"
                           "题目统计和风险类别掌握程度按已评的题目计算（主观题评完后会变化）。")
        if s.marked >= 2 and alpha_caveat(s.marked):
            out.append(alpha_caveat(s.marked) + "。")
        return out


def _late_note(t: ScoreTable, late: int) -> str:
    """How late papers were counted: as they are, or by a timed sitting's late policy."""
    if not t.lateness:
        return f"逾期提交 {late} 人，照常计入。"
    policy = next(iter(t.lateness.values())).policy
    if policy == "refuse":
        return f"计时考试，迟交拒收：迟交未计分 {len(t.refused)} 人，不计入任何统计（考生成绩表中列出）。"
    if policy == "deduct":
        cut = sum(1 for v in t.lateness.values() if v.deduction)
        return f"计时考试，迟交扣分：迟交 {late} 人（其中 {cut} 人已扣分，考生成绩表的总分为扣分后；题目统计按原始得分）。"
    return f"计时考试，迟交照收并标记：迟交 {late} 人，照常计入。"


def build_report(t: ScoreTable, th: Thresholds = Thresholds(), with_charts: bool = True,
                 candidates: pd.DataFrame | None = None) -> Report:
    from .candidates import candidate_frame

    summary = exam_summary(t, th)
    units = group_table(t, "单位", th)
    r = Report(t, th, summary, distribution(t), units, group_table(t, "部门", th), group_table(t, "岗位", th), item_table(t, th),
               category_mastery(t), unit_category_matrix(t), {},
               candidates if candidates is not None else candidate_frame([("", t)]))
    if with_charts:
        draw_charts(r)
    return r


def draw_charts(r: Report) -> None:
    t, th = r.table, r.thresholds
    if r.summary.marked:
        r.charts = {"histogram": charts.histogram(t.complete.sum(axis=1), t.max_total, th.pass_share, t.title),
                    "units": charts.unit_comparison(r.units, "单位", t.max_total),
                    "heatmap": charts.category_heatmap(r.unit_categories), "items": charts.item_scatter(r.items)}


def _pct(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = df.copy()
    for c in cols:
        if c in out:
            out[c] = out[c].map(lambda v: "—" if v != v else f"{v:.1%}")
    return out


def _round(df: pd.DataFrame) -> pd.DataFrame:
    return df.round(2)


def views(r: Report) -> dict[str, pd.DataFrame]:
    """Every view as a table with Chinese headers, in report order."""
    summary = pd.DataFrame(r.summary.rows(), columns=["指标", "数值"])
    cats = r.categories.rename_axis("风险类别").reset_index()
    uc = r.unit_categories.rename_axis("单位").reset_index()
    out = {"总体": summary}
    if r.variants is not None:
        out["按变体"] = _round(r.variants)
    out |= {"分数分布": r.distribution, "按单位": _round(r.units), "按部门": _round(r.departments),
            "按岗位": _round(r.posts), "按题目": _round(r.items), "按风险类别": cats, "单位×风险类别": uc}
    if r.candidates is not None:
        out["考生成绩"] = r.candidates
    return out


def write_report(r: Report, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    exam = r.table.exam_id
    files: dict[str, Path] = {}
    v = views(r)
    xlsx = out / f"{exam}-统计.xlsx"
    write_frames(xlsx, {"说明": pd.DataFrame({"说明": r.notes}), **v})
    files["xlsx"] = xlsx
    csv = out / f"{exam}-按题目.csv"
    write_frames(csv, {"按题目": v["按题目"]})
    files["csv"] = csv
    for key, png in r.charts.items():
        p = out / f"{exam}-{charts.CHARTS[key]}.png"
        p.write_bytes(png)
        files[f"png:{key}"] = p
    page = out / f"{exam}-统计报告.html"
    page.write_text(_html(r, v), encoding="utf-8")
    files["html"] = page
    return files


def _html(r: Report, v: dict[str, pd.DataFrame]) -> str:
    # shares only: a group's 标准差 is in points (24.04 分), an item's 标准差 is a share of its full marks
    pct_cols = ["参考率", "及格率", "优秀率", "占比", "掌握程度", "预计得分率"]
    blocks = [f"<h1>{html.escape(r.table.title)}（{html.escape(r.table.exam_id)}）考试统计</h1>"]
    blocks += [f"<p class='note'>{html.escape(n)}</p>" for n in r.notes]
    chart_for = {"总体": "histogram", "按单位": "units", "单位×风险类别": "heatmap", "按题目": "items"}
    for name, df in v.items():
        if name == "考生成绩":
            continue  # the per-candidate table is for the workbook; the page stays readable for thousands
        shown = df if name == "总体" else _pct(df, pct_cols if name != "按题目" else ["得分率", "标准差"])
        if name == "按风险类别" or name == "单位×风险类别":
            shown = _pct(df, list(df.columns[1:]))
        blocks.append(f"<h2>{html.escape(name)}</h2>")
        key = chart_for.get(name)
        if key in r.charts:
            data = base64.b64encode(r.charts[key]).decode("ascii")
            blocks.append(f"<img alt='{html.escape(charts.CHARTS[key])}' src='data:image/png;base64,{data}'>")
        blocks.append(shown.to_html(index=False, border=0, classes="t", na_rep="—"))
    style = ("body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;max-width:1100px}"
             "table.t{border-collapse:collapse;font-size:13px;margin-bottom:1em}table.t td,table.t th{border:1px solid #ccc;padding:3px 6px}"
             "img{max-width:100%;border:1px solid #eee}.note{background:#fff6e0;padding:6px}")
    return f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(r.table.title)} 考试统计</title><style>{style}</style></head><body>{''.join(blocks)}</body></html>"
