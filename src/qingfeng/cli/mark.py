"""``qingfeng mark EXAM_ID``: mark a whole district's objective items in seconds."""
from __future__ import annotations

import time

import click
from tqdm import tqdm

from ..exam.fast_marking import mark_exam


@click.command("mark")
@click.argument("exam_id")
@click.option("--workers", type=int, default=None, help="并行进程数（默认 2）")
@click.option("--sheets", type=click.Path(dir_okay=False), default=None, help="纸质答卷录入表（.xlsx/.csv），代替已收的笔记本")
@click.pass_obj
def mark(lazy, exam_id: str, workers: int | None, sheets: str | None) -> None:
    """不运行考生代码，静态读取全部已收试卷的客观题作答并评分，写入 nbgrader 成绩库。"""
    from ..exam.registry import require_exam

    project = lazy.get()
    start = time.perf_counter()
    require_exam(project, exam_id)
    if sheets:
        _mark_sheets(project, exam_id, sheets, start)
        return
    from ..exam.fast_marking import discover

    n = len(discover(project, exam_id))
    with tqdm(total=n, desc="评分", unit="份", ncols=80) as bar:
        try:
            report = mark_exam(project, exam_id, workers=workers, progress=bar.update)
        except (LookupError, FileNotFoundError, ValueError) as e:
            raise click.ClickException(str(e)) from None
    took = time.perf_counter() - start
    print_report(report)
    click.echo(f"已评分 {len(report.marked)} 份，未评分 {len(report.problems)} 份，用时 {took:.1f} 秒。简答、论述题请在 Formgrader 中人工评分。")
    if report.problems:
        raise SystemExit(1)


def print_report(report) -> None:
    """What every marking run tells the examiner: problems, code-edited cells, tampering, the backup."""
    for folder in report.stale_removed:
        click.echo(f"已清理上次中断的评分留下的临时文件夹 {folder.name}", err=True)
    for p in report.problems:
        click.echo(f"未评分：考生 {p.student}：{p.message}", err=True)
    for student, items in report.not_literal.items():
        click.echo(f"提示：考生 {student} 的 {'、'.join(items)} 作答格被改成了代码，未运行，按未作答计 0 分", err=True)
    for t in report.tampering:
        click.echo(f"结构被改动：考生 {t.student} 的 {t.cell}：{t.change}（已按源试卷评分）", err=True)
    if report.backup:
        click.echo(f"成绩库已先备份到 {report.backup}")


def _mark_sheets(project, exam_id: str, sheets: str, start: float) -> None:
    from pathlib import Path

    from ..exam.answer_sheets import mark_sheets

    try:
        report, errors = mark_sheets(project, exam_id, Path(sheets))
    except (LookupError, FileNotFoundError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    if errors:
        for e in errors:
            click.echo(f"{Path(sheets).name}：{e}", err=True)
        raise click.ClickException(f"共 {len(errors)} 处错误，答题卡未记入成绩库")
    print_report(report)
    click.echo(f"已记入 {len(report.marked)} 份纸质答卷，用时 {time.perf_counter() - start:.1f} 秒。")
