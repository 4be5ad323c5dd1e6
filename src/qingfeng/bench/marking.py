"""Marking benchmark: ``nbgrader autograde`` vs ``qingfeng mark`` on the same submissions.

Generates N varied simulated submissions of the sample paper, times nbgrader
autograde on ``--nbgrader-sample`` of them and ``qingfeng mark`` on all N, checks
the scores of the shared ones are identical, and prints both per-submission
times and their ratio.
"""
from __future__ import annotations

import json
import random
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..demo.simulate import Candidate, simulate_answers, write_submission
from ..exam import course
from ..exam.fast_marking import mark_exam
from ..exam.keys import read_key
from ..project import Project, copy_project

__all__ = ["MarkingBench", "run_marking_bench"]
EXAM = "yumin-sample"


@dataclass
class MarkingBench:
    n: int
    nbgrader_n: int
    nbgrader_seconds: float
    qingfeng_seconds: float
    identical: bool

    @property
    def nbgrader_per(self) -> float:
        return self.nbgrader_seconds / self.nbgrader_n

    @property
    def qingfeng_per(self) -> float:
        return self.qingfeng_seconds / self.n

    @property
    def ratio(self) -> float:
        return self.nbgrader_per / self.qingfeng_per

    def lines(self) -> list[str]:
        return [
            "评分基准（样卷规模：28 道客观题 + 8 道主观题；模拟考生作答）",
            f"  nbgrader autograde：{self.nbgrader_n} 份，用时 {self.nbgrader_seconds:.2f} 秒，每份 {self.nbgrader_per * 1000:.1f} 毫秒",
            f"  qingfeng mark     ：{self.n} 份，用时 {self.qingfeng_seconds:.2f} 秒，每份 {self.qingfeng_per * 1000:.2f} 毫秒",
            f"  每份速度比：{self.ratio:.0f} 倍（目标 ≥ 250 倍）；{self.n} 份总用时目标 ≤ 20 秒：{'达到' if self.qingfeng_seconds <= 20 else '未达到'}",
            f"  同一批 {self.nbgrader_n} 份的逐题得分与 nbgrader 完全一致：{'是' if self.identical else '否'}",
        ]


def _scores(db: Path, students: set[str]) -> dict:
    con = sqlite3.connect(db)
    rows = con.execute("""SELECT sa.student_id, b.name, g.auto_score FROM grade g JOIN base_cell b ON b.id = g.cell_id
                          JOIN submitted_notebook sn ON sn.id = g.notebook_id JOIN submitted_assignment sa ON sa.id = sn.assignment_id
                          WHERE b.name LIKE 'test-%'""").fetchall()
    con.close()
    return {(s, n): a for s, n, a in rows if s in students}


def run_marking_bench(project: Project, n: int = 4500, nbgrader_n: int = 20, seed: int = 2026) -> MarkingBench:
    with tempfile.TemporaryDirectory(prefix="qingfeng-bench-") as tmp:
        fast = copy_project(project, Path(tmp) / "fast")
        course.build_exam(fast, EXAM, EXAM)
        course.generate(fast, EXAM)
        key = read_key(fast.exams_dir, EXAM)
        released = json.loads((fast.exams_dir / "release" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))
        rng = random.Random(seed)
        students = []
        for i in range(n):
            cand = Candidate(f"b{i:05d}", ability=rng.uniform(0.2, 0.95), sloppiness=rng.uniform(0.1, 0.6))
            write_submission(released, fast.exams_dir, EXAM, cand.id, simulate_answers(key, cand, rng, trouble=0.03,
                                                                                         marker=str(Path(tmp) / "ran")))
            students.append(cand.id)
        slow = copy_project(project, Path(tmp) / "slow")
        shutil.copytree(fast.exams_dir / "source", slow.exams_dir / "source")
        shutil.copytree(fast.exams_dir / "keys", slow.exams_dir / "keys")
        shutil.copy(fast.exams_dir / "gradebook.db", slow.exams_dir / "gradebook.db")
        sample = set(rng.sample(students, nbgrader_n))
        for s in sample:
            shutil.copytree(fast.exams_dir / "submitted" / s, slow.exams_dir / "submitted" / s)
        t0 = time.perf_counter()
        course.nbgrader_autograde(slow, EXAM)  # simulated papers in a throw-away copy: trusted
        t_nb = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = mark_exam(fast, EXAM)
        t_qf = time.perf_counter() - t0
        if report.problems:
            raise RuntimeError(f"基准中有 {len(report.problems)} 份未评分：{report.problems[:3]}")
        identical = _scores(fast.exams_dir / "gradebook.db", sample) == _scores(slow.exams_dir / "gradebook.db", sample)
        return MarkingBench(n, nbgrader_n, t_nb, t_qf, identical)
