"""Exam statistics in the spirit of Moodle's quiz statistics report, plus unit and risk-category views.

Definitions (x_i: a candidate's score on item i, X: total, rest_i = X − x_i;
sample statistics use n − 1):

* facility F_i = mean(x_i) / max_i
* item SD = sd(x_i) / max_i
* discrimination index D_i = corr(x_i, rest_i)                 (item vs rest of test)
* discriminative efficiency DE_i = cov(x_i, rest_i) / cov(sort(x_i), sort(rest_i)),
  the covariance relative to the largest one the two distributions allow
* skewness = n / ((n−1)(n−2)) · Σ((X−m)/s)³;  excess kurtosis as in Moodle/Excel KURT
* Cronbach's alpha (Moodle's CIC) = k/(k−1) · (1 − Σ var(x_i) / var(X))
* error ratio ER = √(1 − alpha);  standard error SE = ER · sd(X)
* with fewer than ALPHA_MIN_N (30) fully marked candidates alpha is reported with a caveat:
  its sampling error is then too large to judge a paper by (see ``alpha_caveat``)

Item and test statistics use fully marked candidates only; totals, pass rates
and unit rankings say how many were absent, pending or late.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..risk import CATEGORY_NAMES
from .data import ScoreTable

__all__ = ["Thresholds", "ExamSummary", "exam_summary", "distribution", "group_table", "item_table", "category_mastery",
           "unit_category_matrix", "skewness", "kurtosis", "cronbach_alpha", "ALPHA_MIN_N", "alpha_caveat"]

# Below this many fully marked candidates alpha is shown only with a caveat.  30 is the usual
# rule of thumb for a correlation-type statistic: with fewer candidates one or two people move
# alpha by more than the differences (0.6 vs 0.8) a reader would act on.
ALPHA_MIN_N = 30


def alpha_caveat(n: int) -> str:
    """The Chinese caveat printed next to alpha for small groups ("" when n is large enough)."""
    if n >= ALPHA_MIN_N:
        return ""
    return (f"统计基数只有 {n} 人（少于 {ALPHA_MIN_N} 人），信度 α、误差比和测量标准误的抽样误差很大，"
            "一两名考生就能使 α 大幅变化，仅供参考，不宜据此评价试卷质量")


@dataclass(frozen=True)
class Thresholds:
    pass_share: float = 0.6
    excellent_share: float = 0.9
    facility_low: float = 0.05
    facility_high: float = 0.95
    discrimination_low: float = 0.2


def skewness(x: np.ndarray) -> float:
    n = len(x)
    if n < 3 or np.std(x, ddof=1) == 0:
        return float("nan")
    z = (x - x.mean()) / x.std(ddof=1)
    return float(n / ((n - 1) * (n - 2)) * np.sum(z ** 3))


def kurtosis(x: np.ndarray) -> float:
    n = len(x)
    if n < 4 or np.std(x, ddof=1) == 0:
        return float("nan")
    z = (x - x.mean()) / x.std(ddof=1)
    return float(n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * np.sum(z ** 4) - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))


def cronbach_alpha(m: np.ndarray) -> float:
    n, k = m.shape
    if n < 2 or k < 2:
        return float("nan")
    total_var = m.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / total_var))


@dataclass(frozen=True)
class ExamSummary:
    expected: int
    sat: int
    absent: int
    pending: int  # sat, with items still awaiting a marker
    late: int
    marked: int  # fully marked: the base of every figure below
    max_total: float
    mean: float
    median: float
    sd: float
    skewness: float
    kurtosis: float
    pass_rate: float
    excellent_rate: float
    alpha: float
    error_ratio: float
    standard_error: float

    def rows(self) -> list[tuple[str, object]]:
        pct = lambda v: "—" if v != v else f"{v:.1%}"  # noqa: E731
        num = lambda v: "—" if v != v else round(v, 2)  # noqa: E731
        return [("应考人数（名单）", self.expected), ("实考人数", self.sat), ("缺考人数", self.absent),
                ("待人工评分人数", self.pending), ("逾期提交人数", self.late), ("已全部评完人数（统计基数）", self.marked),
                ("满分", self.max_total), ("平均分", num(self.mean)), ("中位数", num(self.median)), ("标准差", num(self.sd)),
                ("偏度", num(self.skewness)), ("峰度", num(self.kurtosis)), ("及格率", pct(self.pass_rate)),
                ("优秀率", pct(self.excellent_rate)),
                ("信度 Cronbach's α（CIC）", pct(self.alpha) + ("（人数少，仅供参考）" if alpha_caveat(self.marked) and self.alpha == self.alpha else "")),
                ("误差比 ER", pct(self.error_ratio)), ("测量标准误 SE", num(self.standard_error))]


def exam_summary(t: ScoreTable, th: Thresholds = Thresholds()) -> ExamSummary:
    m = t.complete.to_numpy(dtype=float)
    totals = m.sum(axis=1) if m.size else np.array([])
    n = len(totals)
    alpha = cronbach_alpha(m) if n else float("nan")
    er = float(np.sqrt(1 - alpha)) if alpha == alpha and alpha <= 1 else float("nan")
    sd = float(totals.std(ddof=1)) if n > 1 else float("nan")
    return ExamSummary(
        expected=len(t.roster), sat=len(t.scores) + len(t.refused), absent=len(t.absent), pending=int(t.pending.sum()),
        late=int(t.late.sum()), marked=n, max_total=t.max_total,
        mean=float(totals.mean()) if n else float("nan"), median=float(np.median(totals)) if n else float("nan"), sd=sd,
        skewness=skewness(totals), kurtosis=kurtosis(totals),
        pass_rate=float((totals >= th.pass_share * t.max_total).mean()) if n else float("nan"),
        excellent_rate=float((totals >= th.excellent_share * t.max_total).mean()) if n else float("nan"),
        alpha=alpha, error_ratio=er, standard_error=er * sd if er == er else float("nan"),
    )


def distribution(t: ScoreTable, bins: int = 10) -> pd.DataFrame:
    totals = t.complete.sum(axis=1)
    edges = np.linspace(0, t.max_total, bins + 1)
    counts, _ = np.histogram(totals, bins=edges)
    labels = [f"{edges[i]:g}–{edges[i + 1]:g}" for i in range(bins)]
    return pd.DataFrame({"分数段": labels, "人数": counts, "占比": counts / max(1, len(totals))})


def group_table(t: ScoreTable, by: str, th: Thresholds = Thresholds()) -> pd.DataFrame:
    """Per 单位/部门/岗位: expected, sat, participation, marked, mean … ranked by mean."""
    totals = t.complete.sum(axis=1)
    rows = []
    for name, members in t.roster.groupby(by):
        ids = members.index
        sat = t.scores.index.intersection(ids)
        done = totals.reindex(totals.index.intersection(ids))
        rows.append({by: name or "（未填）", "应考": len(ids), "实考": len(sat), "参考率": len(sat) / len(ids) if len(ids) else np.nan,
                     "待评": int(t.pending.reindex(sat).sum()), "统计人数": len(done),
                     "平均分": done.mean() if len(done) else np.nan, "中位数": done.median() if len(done) else np.nan,
                     "标准差": done.std(ddof=1) if len(done) > 1 else np.nan,
                     "及格率": (done >= th.pass_share * t.max_total).mean() if len(done) else np.nan,
                     "优秀率": (done >= th.excellent_share * t.max_total).mean() if len(done) else np.nan})
    df = pd.DataFrame(rows)
    df = df.sort_values("平均分", ascending=False, na_position="last").reset_index(drop=True)
    df.insert(0, "名次", range(1, len(df) + 1))
    return df


def _max_cov(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.cov(np.sort(x), np.sort(y))[0, 1])


def item_table(t: ScoreTable, th: Thresholds = Thresholds()) -> pd.DataFrame:
    m = t.item_base
    totals = m.sum(axis=1).to_numpy(dtype=float)
    rows = []
    for iid, meta in t.items.iterrows():
        x = m[iid].to_numpy(dtype=float) if iid in m else np.array([])  # an item nobody has marked yet: no statistics
        rest = totals - x if len(x) else x
        n = len(x)
        fac = x.mean() / meta["满分"] if n else np.nan
        sd = x.std(ddof=1) / meta["满分"] if n > 1 else np.nan
        varies = n > 2 and x.std() > 0 and rest.std() > 0
        di = float(np.corrcoef(x, rest)[0, 1]) if varies else np.nan
        cmax = _max_cov(x, rest) if varies else 0.0
        de = float(np.cov(x, rest)[0, 1]) / cmax if varies and cmax > 0 else np.nan
        flags = []
        if di == di and di < 0:
            flags.append("区分度为负：答案可能有误或题意有歧义")
        elif di == di and di < th.discrimination_low:
            flags.append("区分度低")
        if fac == fac and fac <= th.facility_low:
            flags.append("得分率接近 0：太难或答案有误")
        if fac == fac and fac >= th.facility_high:
            flags.append("得分率接近 1：太容易")
        rows.append({"题号": meta["题号"], "题目编号": iid, "题型": meta["题型"], "满分": meta["满分"],
                     "风险类别": "、".join(meta["风险类别"]) or "—", "作答人数": n, "得分率": fac, "标准差": sd,
                     "区分度": di, "区分效率": de, "最多人选的错误选项": _top_wrong(t, iid), "提示": "；".join(flags)})
    return pd.DataFrame(rows)


def _top_wrong(t: ScoreTable, iid: str) -> str:
    if t.responses is None or iid not in t.responses.columns:
        return "—"
    key_rows = t.scores[iid]
    chosen = t.responses[iid].reindex(key_rows.index)
    wrong = chosen[(key_rows < t.items.loc[iid, "满分"]) & (chosen.fillna("") != "")]
    if wrong.empty:
        return "—"
    counts = wrong.value_counts()
    return f"{counts.index[0]}（{counts.iloc[0] / len(chosen.dropna()):.0%}）"


def category_mastery(t: ScoreTable, ids: pd.Index | None = None) -> pd.Series:
    """Σ points scored / Σ points available on items tagged with each risk category (marked cells only)."""
    s = t.scores if ids is None else t.scores.reindex(t.scores.index.intersection(ids))
    out = {}
    tagged = {c for cs in t.items["风险类别"] for c in cs}
    cats = [c for c in CATEGORY_NAMES if c in tagged] + sorted(tagged - set(CATEGORY_NAMES))
    for c in cats:
        cols = [i for i, cs in t.items["风险类别"].items() if c in cs]
        sub = s[cols]
        avail = sub.notna().mul(t.items.loc[cols, "满分"], axis=1).to_numpy().sum()
        out[c] = float(np.nansum(sub.to_numpy()) / avail) if avail else np.nan
    return pd.Series(out, name="掌握程度")


def unit_category_matrix(t: ScoreTable, by: str = "单位") -> pd.DataFrame:
    rows = {name: category_mastery(t, members.index) for name, members in t.roster.groupby(by)}
    return pd.DataFrame(rows).T
