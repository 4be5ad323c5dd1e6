"""Statistics benchmark: every figure and chart for 4,500 candidates × 60 items."""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..demo.district import DEPARTMENTS, POSTS, UNITS
from ..risk import CATEGORY_NAMES
from ..stats.data import ScoreTable
from ..stats.report import build_report

__all__ = ["StatsBench", "simulated_table", "run_stats_bench"]

_LAYOUT = [("单选", 30, 1.0), ("多选", 10, 3.0), ("判断", 10, 1.0), ("填空", 8, 2.5), ("简答", 2, 5.0)]


def simulated_table(n: int = 4500, seed: int = 1) -> ScoreTable:
    """A ScoreTable of simulated candidates (模拟数据) with the district paper's shape: 60 items, 100 points."""
    rng = np.random.default_rng(seed)
    rows, k = [], 0
    for kind, count, pts in _LAYOUT:
        for i in range(count):
            k += 1
            rows.append({"item": f"SIM-{k:02d}", "题号": f"{kind}{i + 1}", "部分": kind, "题型": kind, "满分": pts,
                         "风险类别": (CATEGORY_NAMES[k % 5],), "options": ("A", "B", "C", "D") if kind in ("单选", "多选") else ()})
    items = pd.DataFrame(rows).set_index("item")
    ids = pd.Index([f"s{i:05d}" for i in range(n)], name="编号")
    ability = rng.uniform(0.3, 0.95, size=n)
    p = np.clip(ability[:, None] + rng.normal(0, 0.1, size=(1, len(items))), 0.02, 0.98)
    maxes = items["满分"].to_numpy()
    scores = np.where(rng.random((n, len(items))) < p, maxes, np.where(maxes > 1, np.round(rng.random((n, len(items))) * maxes * 2) / 2, 0.0))
    scores = pd.DataFrame(scores, index=ids, columns=items.index)
    roster = pd.DataFrame({"姓名": "", "单位": rng.choice(UNITS, n), "部门": rng.choice(DEPARTMENTS, n), "岗位": rng.choice(POSTS, n)}, index=ids)
    choice = items.index[items["题型"].isin(["单选", "多选"])]
    responses = pd.DataFrame(rng.choice(list("ABCD"), size=(n, len(choice))), index=ids, columns=choice)
    return ScoreTable("bench", "模拟基准卷", items, scores, roster, pd.Series(False, index=ids), responses, simulated=True)


@dataclass
class StatsBench:
    n: int
    items: int
    seconds: float

    def lines(self) -> list[str]:
        return [f"统计基准（模拟数据）：{self.n} 名考生 × {self.items} 道题，全部指标和 4 张图表用时 {self.seconds:.2f} 秒"
                f"（目标 ≤ 3 秒：{'达到' if self.seconds <= 3 else '未达到'}）"]


def run_stats_bench(n: int = 4500) -> StatsBench:
    t = simulated_table(n)
    build_report(simulated_table(200))  # warm up fonts and imports once, as a running server would have them
    t0 = time.perf_counter()
    report = build_report(t)
    took = time.perf_counter() - t0
    assert len(report.charts) == 4
    return StatsBench(n, len(t.items), took)
