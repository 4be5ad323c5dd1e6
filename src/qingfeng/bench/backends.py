"""Gradebook backends side by side: ``qingfeng mark`` of the same N submissions into SQLite and PostgreSQL.

Both projects get the same paper and the very same simulated submission files (as in
:mod:`.marking`); each is marked by :func:`mark_exam` (backup included: a file copy on SQLite,
``pg_dump`` on PostgreSQL), and every candidate's item scores are compared. The PostgreSQL server
is a throw-away one started by the project's own ``deploy/postgres.sh``.
"""
from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..demo.simulate import Candidate, simulate_answers, write_submission
from ..exam import course
from ..exam.fast_marking import mark_exam
from ..exam.keys import read_key
from ..project import Project, copy_project

__all__ = ["BackendBench", "run_backend_bench"]
EXAM = "yumin-sample"


@dataclass
class BackendBench:
    n: int
    sqlite_seconds: float
    postgres_seconds: float
    identical: bool

    @property
    def ratio(self) -> float:
        return self.postgres_seconds / self.sqlite_seconds

    def lines(self) -> list[str]:
        return [
            f"成绩库后端对比（qingfeng mark，同一批 {self.n} 份模拟作答，含写入前备份）",
            f"  SQLite     ：{self.sqlite_seconds:.2f} 秒，每份 {self.sqlite_seconds / self.n * 1000:.2f} 毫秒",
            f"  PostgreSQL ：{self.postgres_seconds:.2f} 秒，每份 {self.postgres_seconds / self.n * 1000:.2f} 毫秒",
            f"  PostgreSQL 用时是 SQLite 的 {self.ratio:.2f} 倍；两边逐题得分完全一致：{'是' if self.identical else '否'}",
        ]


def _scores(project: Project) -> dict:
    from sqlalchemy import text

    from ..exam.gradebook_db import connect, locate

    with connect(locate(project), readonly=True) as con:
        rows = con.execute(text(
            """SELECT sa.student_id, b.name, g.auto_score, g.manual_score FROM grade g JOIN base_cell b ON b.id = g.cell_id
               JOIN submitted_notebook sn ON sn.id = g.notebook_id JOIN submitted_assignment sa ON sa.id = sn.assignment_id""")).fetchall()
    return {(s, name): (a, m) for s, name, a, m in rows}


def run_backend_bench(project: Project, n: int = 4500, seed: int = 2026) -> BackendBench:
    from ..pgserver import throwaway

    server = throwaway(project.root / "deploy" / "postgres.sh")
    try:
        with tempfile.TemporaryDirectory(prefix="qingfeng-bench-db-") as tmp:
            lite = copy_project(project, Path(tmp) / "sqlite")
            pg = copy_project(project, Path(tmp) / "postgres",
                              gradebook={"db_url": server.new_database("bench"), "password_file": str(server.password_file)})
            for p in (lite, pg):
                course.build_exam(p, EXAM, EXAM)
                course.generate(p, EXAM)
            key = read_key(lite.exams_dir, EXAM)
            released = json.loads((lite.exams_dir / "release" / EXAM / f"{EXAM}.ipynb").read_text(encoding="utf-8"))
            rng = random.Random(seed)
            for i in range(n):
                cand = Candidate(f"b{i:05d}", ability=rng.uniform(0.2, 0.95), sloppiness=rng.uniform(0.1, 0.6))
                write_submission(released, lite.exams_dir, EXAM, cand.id,
                                 simulate_answers(key, cand, rng, trouble=0.03, marker=str(Path(tmp) / "ran")))
            shutil.copytree(lite.exams_dir / "submitted", pg.exams_dir / "submitted")
            seconds = {}
            for name, p in (("sqlite", lite), ("postgres", pg)):
                t0 = time.perf_counter()
                report = mark_exam(p, EXAM)
                seconds[name] = time.perf_counter() - t0
                if report.problems:
                    raise RuntimeError(f"基准中有 {len(report.problems)} 份未评分：{report.problems[:3]}")
            return BackendBench(n, seconds["sqlite"], seconds["postgres"], _scores(lite) == _scores(pg))
    finally:
        from ..exam.gradebook_db import dispose_engines

        dispose_engines()
        server.discard()
