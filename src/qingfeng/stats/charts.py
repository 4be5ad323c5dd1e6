"""The four charts: score histogram, unit comparison, unit × category heatmap, facility vs discrimination.

Each returns PNG bytes; Chinese text uses the font from mplfonts (:mod:`qingfeng.chart_fonts`).
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd

from ..chart_fonts import use_chinese_font

__all__ = ["histogram", "unit_comparison", "category_heatmap", "item_scatter", "CHARTS"]


def _fig(w: float = 7, h: float = 4):
    use_chinese_font()
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(w, h), dpi=110)


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def histogram(totals: pd.Series, max_total: float, pass_share: float, title: str) -> bytes:
    fig, ax = _fig()
    ax.hist(totals, bins=np.linspace(0, max_total, 21), color="#4F6D7A", edgecolor="white")
    ax.axvline(pass_share * max_total, color="#b22222", linestyle="--", label=f"及格线 {pass_share * max_total:g} 分")
    ax.set_xlabel("总分")
    ax.set_ylabel("人数")
    ax.set_title(f"{title}：分数分布（{len(totals)} 人）")
    ax.legend()
    return _png(fig)


def unit_comparison(groups: pd.DataFrame, by: str, max_total: float) -> bytes:
    g = groups.dropna(subset=["平均分"]).sort_values("平均分")
    fig, ax = _fig(7, max(2.5, 0.35 * len(g) + 1))
    bars = ax.barh(g[by].astype(str), g["平均分"], color="#4F6D7A")
    for bar, rate, part in zip(bars, g["及格率"], g["参考率"]):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" 及格率 {rate:.0%}，参考率 {part:.0%}", va="center", fontsize=8)
    ax.set_xlim(0, max_total * 1.25)
    ax.set_xlabel("平均分")
    ax.set_title(f"各{by}平均分比较")
    return _png(fig)


def category_heatmap(matrix: pd.DataFrame) -> bytes:
    fig, ax = _fig(7, max(2.5, 0.4 * len(matrix) + 1.5))
    data = matrix.to_numpy(dtype=float)
    im = ax.imshow(data, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(matrix.columns)), [c.replace("风险", "") for c in matrix.columns])
    ax.set_yticks(range(len(matrix.index)), matrix.index)
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            if data[i, j] == data[i, j]:
                ax.text(j, i, f"{data[i, j]:.0%}", ha="center", va="center", fontsize=8)
    fig.colorbar(im, ax=ax, label="掌握程度")
    ax.set_title("各单位对五类风险的掌握程度")
    return _png(fig)


def item_scatter(items: pd.DataFrame) -> bytes:
    fig, ax = _fig()
    ok = items.dropna(subset=["区分度"])
    flagged = ok["提示"].str.len() > 0
    ax.scatter(ok.loc[~flagged, "得分率"], ok.loc[~flagged, "区分度"], color="#4F6D7A", label="正常")
    ax.scatter(ok.loc[flagged, "得分率"], ok.loc[flagged, "区分度"], color="#b22222", label="需要复核")
    for _, r in ok[flagged].iterrows():
        ax.annotate(r["题号"], (r["得分率"], r["区分度"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.axhline(0, color="#888", linewidth=0.8)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("得分率（越大越容易）")
    ax.set_ylabel("区分度（与其余题目的相关）")
    ax.set_title("题目得分率与区分度")
    ax.legend()
    return _png(fig)


CHARTS = {"histogram": "分数分布", "units": "单位比较", "heatmap": "单位×风险类别", "items": "题目得分率与区分度"}
