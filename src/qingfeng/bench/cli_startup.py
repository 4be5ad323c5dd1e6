"""CLI start-up benchmark: ``qingfeng --help`` and two everyday commands, now and before the lazy CLI.

"Before" is the package as it was at commit ``BASE`` (the last commit before
commands were made lazy), extracted with ``git archive`` into a temporary
folder and run with the same interpreter, side by side in the same run.
Each figure is the median of ``runs`` wall-clock timings of a fresh process.

Hand marking: on a copy of the project with the sample paper built and
``marks`` candidates collected and marked, ``qingfeng exam grade`` records
every candidate's 简答 mark in one call; the base commit's CLI took one call
per mark (timed on GRADE_SAMPLE marks, median, times ``marks``).
"""
from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..project import Project

__all__ = ["BASE", "CliBench", "run_cli_bench", "TARGETS"]

BASE = "f3f4ac8"
TARGETS = {"qingfeng --help": 0.5, "qingfeng bank validate": 1.5}
COMMANDS = {"qingfeng --help": ["--help"], "qingfeng exam --help": ["exam", "--help"], "qingfeng bank validate": ["bank", "validate"]}


@dataclass
class CliBench:
    runs: int
    now: dict[str, float] = field(default_factory=dict)
    before: dict[str, float] = field(default_factory=dict)
    note: str = ""
    marks: int = 0  # hand marks recorded by `exam grade`
    grade_now: float = 0.0  # one call with every mark
    grade_before_each: float = 0.0  # the base commit: one call per mark (median of GRADE_SAMPLE calls)

    def lines(self) -> list[str]:
        out = [f"命令行启动（每条命令 {self.runs} 次新进程取中位数；“之前”为提交 {BASE} 的代码，同一次运行中测量）："]
        for name, now in self.now.items():
            before = self.before.get(name)
            was = f"之前 {before:.2f} 秒，快 {before / now:.1f} 倍" if before else "之前：未测"
            target = TARGETS.get(name)
            goal = f"；目标 ≤ {target:g} 秒：{'达到' if now <= target else '未达到'}" if target else ""
            out.append(f"  {name:24s} 现在 {now:.2f} 秒（{was}{goal}）")
        if self.marks:
            before = self.grade_before_each * self.marks
            ratio = f"，快 {before / self.grade_now:.0f} 倍" if self.grade_before_each else ""
            was = f"之前每个得分一次调用 {self.grade_before_each:.2f} 秒，{self.marks} 个共约 {before:.1f} 秒" if self.grade_before_each else "之前：未测"
            out.append(f"  qingfeng exam grade（{self.marks} 个简答得分）现在一次调用 {self.grade_now:.2f} 秒（{was}{ratio}）")
        if self.note:
            out.append(f"  {self.note}")
        return out


def _time(src: Path, args: list[str], cwd: Path, runs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # one untimed run writes the bytecode cache and warms the page cache, for both versions alike
    subprocess.run([sys.executable, "-m", "qingfeng", *args], cwd=cwd, env=env, capture_output=True)
    took = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "qingfeng", *args], cwd=cwd, env=env, capture_output=True)
        took.append(time.perf_counter() - t0)
    return statistics.median(took)


def _base_source(repo: Path, dest: Path) -> Path | None:
    proc = subprocess.run(["git", "archive", "--format=tar", BASE, "src"], cwd=repo, capture_output=True)
    if proc.returncode != 0:
        return None
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "src"


GRADE_SAMPLE = 3


def _grade_project(project: Project, dest: Path, n: int) -> tuple[Project, list[str]]:
    """A copy with the sample paper built, n candidates' answers collected and marked: what hand marking starts from."""
    import json

    from ..demo.simulate import write_submission
    from ..exam import course
    from ..exam.fast_marking import mark_exam
    from ..project import copy_project

    bench = copy_project(project, dest)
    course.build_exam(bench, "yumin-sample", "bench-grade")
    course.generate(bench, "bench-grade")
    released = json.loads((bench.exams_dir / "release" / "bench-grade" / "bench-grade.ipynb").read_text(encoding="utf-8"))
    students = [f"g{i:03d}" for i in range(n)]
    for s in students:
        write_submission(released, bench.exams_dir, "bench-grade", s, {}, {"YM-JD-01": "教育不到位，制度不健全。"})
    mark_exam(bench, "bench-grade")
    return bench, students


def _time_once(src: Path, args: list[str], cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "qingfeng", *args], cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"基准命令失败：qingfeng {' '.join(args)}\n{proc.stdout}{proc.stderr}")
    return took


def run_cli_bench(project: Project, runs: int = 5, marks: int = 21) -> CliBench:
    here = Path(__file__).resolve().parents[2]  # the src folder this package runs from
    bench = CliBench(runs)
    for name, args in COMMANDS.items():
        bench.now[name] = _time(here, args, project.root, runs)
    with tempfile.TemporaryDirectory() as tmp:
        old = _base_source(project.root, Path(tmp))
        if old is None:
            bench.note = f"无法用 git 取得提交 {BASE} 的代码（不是 git 克隆？），未测“之前”"
            return bench
        for name, args in COMMANDS.items():
            bench.before[name] = _time(old, args, project.root, runs)
        if marks:
            graded, students = _grade_project(project, Path(tmp) / "grade", marks)
            bench.marks = marks
            triples = [w for s in students for w in (s, "YM-JD-01", "3")]
            bench.grade_now = _time_once(here, ["--root", str(graded.root), "exam", "grade", "bench-grade", *triples], graded.root)
            each = [_time_once(old, ["--root", str(graded.root), "exam", "grade", "bench-grade", s, "YM-JD-01", "2"], graded.root)
                    for s in students[:GRADE_SAMPLE]]
            bench.grade_before_each = statistics.median(each)
    return bench
