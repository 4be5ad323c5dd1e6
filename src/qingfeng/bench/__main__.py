"""``python -m qingfeng.bench``: run every benchmark and print the side-by-side figures."""
from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from ..project import find_project
from .backends import run_backend_bench
from .cli_startup import run_cli_bench
from .feedback import run_feedback_bench
from .imports import ImportBench, run_import_bench
from .marking import run_marking_bench
from .statistics import run_stats_bench

BENCHES = ("cli", "feedback", "stats", "marking", "backends", "imports", "hub")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m qingfeng.bench", description="清风基准测试")
    parser.add_argument("--n", type=int, default=4500, help="模拟考生份数（默认 4500）")
    parser.add_argument("--nbgrader-sample", type=int, default=20, help="用 nbgrader autograde 计时的份数（默认 20）")
    parser.add_argument("--import-rows", type=int, default=50_000, help="导入基准的行数（默认 50000）")
    parser.add_argument("--only", choices=BENCHES, action="append",
                        help="只运行某一项（可重复）：cli 命令行启动、feedback 练习反馈、stats 统计、marking 评分、backends 成绩库后端对比、imports 五万行导入、hub 多人并发考试（需 root）")
    parser.add_argument("--hub-steps", default="50,75,100",
                        help="Hub 负载基准依次尝试的并发考生人数，前一档通过才试下一档（默认 50,75,100）")
    parser.add_argument("--hub-ramp", type=float, default=0.0,
                        help="考生在这么多秒内陆续登录（默认 0：全部同时）")
    parser.add_argument("--hub-every-step", action="store_true",
                        help="每一档都跑（不论前一档是否通过），用来测出每一档的数字")
    parser.add_argument("--hub-p95", type=float, default=15.0, help="启动服务器 p95 的上限（秒，默认 15）")
    parser.add_argument("--cli-only", action="store_true", help="只测命令行启动时间")
    args = parser.parse_args()
    chosen = {"cli"} if args.cli_only else set(args.only or BENCHES)
    project = find_project()
    if "cli" in chosen:
        print("\n".join(run_cli_bench(project).lines()))
    if "feedback" in chosen:
        with tempfile.TemporaryDirectory() as tmp:
            print("\n".join(run_feedback_bench(project, Path(tmp) / "progress.sqlite").lines()))
    if "stats" in chosen:
        print("\n".join(run_stats_bench(args.n).lines()))
    if "marking" in chosen:
        print("\n".join(run_marking_bench(project, n=args.n, nbgrader_n=args.nbgrader_sample).lines()))
    if "backends" in chosen:
        print("\n".join(run_backend_bench(project, n=args.n).lines()))
    if "imports" in chosen:
        print(ImportBench([]).lines()[0], flush=True)
        run_import_bench(project, n=args.import_rows, progress=lambda line: print(line, flush=True))
    if "hub" in chosen:
        if os.geteuid() != 0:
            print("Hub 并发考试基准：需要 root（PAM 登录、以考生身份启动服务器），本次跳过")
        else:
            from .hub_load import run_hub_load

            steps = tuple(int(x) for x in args.hub_steps.split(","))
            print("\n".join(run_hub_load(project, steps=steps, p95_limit=args.hub_p95, ramp=args.hub_ramp,
                                              every_step=args.hub_every_step).lines()))


if __name__ == "__main__":
    main()
