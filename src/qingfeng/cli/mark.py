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
@click.option("--prefer", type=click.Choice(["sheet", "online"]), default=None,
              help="考生既有在线提交又有答题卡记录时以哪份为准：sheet（答题卡）或 online（在线提交）；选定后记录下来，以后的评分都照此办理")
@click.pass_obj
def mark(lazy, exam_id: str, workers: int | None, sheets: str | None, prefer: str | None) -> None:
    """不运行考生代码，静态读取全部已收试卷的客观题作答并评分，写入 nbgrader 成绩库（A/B 卷逐卷评分）。"""
    from ..exam.registry import require_exam
    from ..exam.sitting import exam_variants

    project = lazy.get()
    start = time.perf_counter()
    variants = exam_variants(project, exam_id)
    if sheets:
        require_exam(project, exam_id)
        _mark_sheets(project, exam_id, sheets, start, prefer)
        return
    if prefer:
        raise click.UsageError("--prefer 只与 --sheets 一起使用")
    failed = False
    for label, vid in variants:
        require_exam(project, vid)
        if label:
            click.echo(f"{label} 卷（{vid}）：")
        failed |= _mark_one(project, vid, workers, time.perf_counter())
    if failed:
        raise SystemExit(1)


def _mark_one(project, exam_id: str, workers: int | None, start: float) -> bool:
    from ..exam.fast_marking import discover
    from ..exam.sheet_choices import paper_students

    paper = paper_students(project, exam_id)
    n = sum(1 for s, _ in discover(project, exam_id) if s.casefold() not in paper)
    with tqdm(total=n, desc="评分", unit="份", ncols=80) as bar:
        try:
            report = mark_exam(project, exam_id, workers=workers, progress=bar.update)
        except (LookupError, FileNotFoundError, ValueError) as e:
            raise click.ClickException(str(e)) from None
    took = time.perf_counter() - start
    print_report(report)
    click.echo(f"已评分 {len(report.marked)} 份，未评分 {len(report.problems)} 份，用时 {took:.1f} 秒。简答、论述题请在 Formgrader 中人工评分。")
    report_unreadable(project, exam_id)
    return bool(report.problems)


def print_report(report) -> None:
    """What every marking run tells the examiner: problems, tampering, the backup (unreadable answers: report_unreadable)."""
    for folder in report.stale_removed:
        click.echo(f"已清理上次中断的评分留下的临时文件夹 {folder.name}", err=True)
    for p in report.problems:
        click.echo(f"未评分：考生 {p.student}：{p.message}", err=True)
    for t in report.tampering:
        click.echo(f"结构被改动：考生 {t.student} 的 {t.cell}：{t.change}（已按源试卷评分）", err=True)
    if report.from_paper:
        click.echo(f"按纸质答卷记分、未按在线提交重新评分的考生 {len(report.from_paper)} 名（考官用 --prefer sheet 选定）："
                   + "、".join(report.from_paper[:50]) + ("等" if len(report.from_paper) > 50 else ""))
    if report.window is not None:
        click.echo(f"计时考试 {report.exam_id}：{report.window.describe()}")
        hub = sum(v == "service" for v in report.time_source.values())
        click.echo(f"开考和交卷时间：{hub} 人取自 JupyterHub 进度服务的计时，"
                   f"{len(report.time_source) - hub} 人取自考生文件夹中的 .qingfeng-sitting 和 timestamp.txt")
        late = {s: v for s, v in report.lateness.items() if v.late}
        for sid, v in sorted(late.items()):
            what = {"refuse": "迟交未计分", "flag": "迟交（照收，已标记）", "deduct": f"迟交扣分 {v.deduction:g} 分"}[v.policy]
            click.echo(f"{what}：考生 {sid} 迟交 {v.minutes_late} 分钟", err=True)
        click.echo(f"按时交卷 {len(report.lateness) - len(late)} 人，迟交 {len(late)} 人"
                   + (f"（其中迟交未计分 {sum(not v.counted for v in late.values())} 人）" if report.window.late == "refuse" else ""))
    if report.backup:
        click.echo(f"成绩库已先备份到 {report.backup}")


def report_unreadable(project, exam_id: str) -> None:
    """Every answer that could not be read, in the summary and in an Excel file for marking by hand."""
    from ..exam.unreadable import REASONS, find_unreadable, report_path, write_report

    rows = find_unreadable(project, exam_id)
    path = write_report(rows, report_path(project, exam_id))
    for r in rows:
        shown = r.cell_text.replace("\n", "⏎")
        shown = shown if len(shown) <= 60 else shown[:60] + "……"
        click.echo(f"需人工核对：考生 {r.student} {r.label}：{REASONS[r.reason]}，系统记 {r.points:g} 分（作答格：{shown or '（空）'}）",
                   err=True)
    where = path.relative_to(project.root) if path.is_relative_to(project.root) else path
    if rows:
        click.echo(f"共 {len(rows)} 处作答系统读不出或需核对，已列入 {where}，请人工核对，需要改分的在 Formgrader 中改。")
    else:
        click.echo(f"所有客观题作答都已读出（核对清单 {where} 为空）。")


def _mark_sheets(project, exam_id: str, sheets: str, start: float, prefer: str | None) -> None:
    from pathlib import Path

    from ..exam.answer_sheets import mark_sheets
    from ..exam.sheet_choices import SOURCE_NAMES

    try:
        report, errors = mark_sheets(project, exam_id, Path(sheets), prefer=prefer)
    except (LookupError, FileNotFoundError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    if errors:
        for e in errors:
            click.echo(f"{Path(sheets).name}：{e}", err=True)
        raise click.ClickException(f"共 {len(errors)} 处错误，答题卡未记入成绩库")
    print_report(report)
    for student, source in sorted(report.sources.items()):
        click.echo(f"考生 {student} 既有在线提交又有答题卡记录：以{SOURCE_NAMES[source]}为准")
    if any(v == "online" for v in report.sources.values()):
        click.echo(f"以在线提交为准的考生未记入答题卡；如他们此前按答题卡记过分，请再运行 qingfeng mark {exam_id} 按在线提交评分。")
    click.echo(f"已记入 {len(report.marked)} 份纸质答卷，用时 {time.perf_counter() - start:.1f} 秒。")
