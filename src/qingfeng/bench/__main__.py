"""``python -m qingfeng.bench``: run every benchmark and print the side-by-side figures."""
from __future__ import annotations

import argparse

from ..project import find_project
import tempfile
from pathlib import Path

from .cli_startup import run_cli_bench
from .feedback import run_feedback_bench
from .marking import run_marking_bench
from .statistics import run_stats_bench


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m qingfeng.bench", description="清风基准测试")
    parser.add_argument("--n", type=int, default=4500, help="模拟考生份数（默认 4500）")
    parser.add_argument("--nbgrader-sample", type=int, default=20, help="用 nbgrader autograde 计时的份数（默认 20）")
    parser.add_argument("--cli-only", action="store_true", help="只测命令行启动时间")
    args = parser.parse_args()
    project = find_project()
    print("\n".join(run_cli_bench(project).lines()))
    if args.cli_only:
        return
    with tempfile.TemporaryDirectory() as tmp:
        print("\n".join(run_feedback_bench(project, Path(tmp) / "progress.sqlite").lines()))
    print("\n".join(run_stats_bench(args.n).lines()))
    marking = run_marking_bench(project, n=args.n, nbgrader_n=args.nbgrader_sample)
    print("\n".join(marking.lines()))


if __name__ == "__main__":
    main()
