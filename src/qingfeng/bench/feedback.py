"""Widget feedback latency: how long a learner waits after clicking (target: under 50 ms)."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from ..cases import load_library
from ..learning.case_widgets import CaseGrader, FactorExplorer
from ..learning.progress import ProgressStore
from ..project import Project

__all__ = ["FeedbackBench", "run_feedback_bench"]


@dataclass
class FeedbackBench:
    grade_ms: float  # median, case grader submit (incl. writing progress)
    explore_ms: float  # median, one factor change

    def lines(self) -> list[str]:
        ok = max(self.grade_ms, self.explore_ms) < 50
        return [f"练习反馈延迟（中位数）：案例定级提交 {self.grade_ms:.1f} 毫秒，评级因素调整 {self.explore_ms:.1f} 毫秒"
                f"（目标 < 50 毫秒：{'达到' if ok else '未达到'}）"]


def run_feedback_bench(project: Project, store_path, rounds: int = 50) -> FeedbackBench:
    grader = CaseGrader(load_library(project.cases_dir).cases, ProgressStore(store_path, "bench"), seed=1)
    explorer = FactorExplorer()
    grade_times, explore_times = [], []
    for i in range(rounds):
        grader.case.value = grader.case.options[i % len(grader.case.options)][1]
        grader.primary.value = "业务流程风险"
        grader.level.value = "二级（中）"
        t0 = time.perf_counter()
        grader.submit.click()
        grade_times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        explorer.factors["harm"].value = ("高", "中", "低")[i % 3]
        explore_times.append((time.perf_counter() - t0) * 1000)
    return FeedbackBench(statistics.median(grade_times), statistics.median(explore_times))
