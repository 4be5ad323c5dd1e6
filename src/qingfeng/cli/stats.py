"""``qingfeng stats`` and ``qingfeng demo``."""
from __future__ import annotations

from pathlib import Path

import click
from tqdm import tqdm

from ..stats.data import load_gradebook, load_plain_table
from ..stats.measures import Thresholds
from ..stats.report import build_report, write_report
from ..exam.sitting import read_sitting


def _thresholds(project, pass_: float | None, excellent: float | None) -> Thresholds:
    cfg = project.config().get("stats", {})
    return Thresholds(pass_share=(pass_ if pass_ is not None else cfg.get("pass", 60)) / 100,
                      excellent_share=(excellent if excellent is not None else cfg.get("excellent", 90)) / 100)


def load_table(project, exam_id: str, table: str | None):
    t = load_gradebook(project, exam_id)
    t.simulated = bool(project.config().get("demo", {}).get("simulated"))
    if table:
        plain, errors = load_plain_table(Path(table), t.items, t.roster, exam_id, t.title)
        if errors:
            for e in errors:
                click.echo(f"{Path(table).name}：{e}", err=True)
            raise click.ClickException(f"共 {len(errors)} 处错误")
        t = plain
    return t


@click.command("stats")
@click.argument("exam_id")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出文件夹")
@click.option("--table", default=None, type=click.Path(dir_okay=False), help="改用逐题得分表（编号 + 每题一列）")
@click.option("--pass", "pass_", type=float, default=None, help="及格线（满分的百分比，默认 60）")
@click.option("--excellent", type=float, default=None, help="优秀线（满分的百分比，默认 90）")
@click.pass_obj
def stats(lazy, exam_id: str, out: str, table: str | None, pass_: float | None, excellent: float | None) -> None:
    """全单位考试统计：按单位、按题目、按风险类别；输出 Excel、HTML 报告、PNG 图表和 CSV。"""
    project = lazy.get()
    th = _thresholds(project, pass_, excellent)
    sitting = read_sitting(project, exam_id)
    if sitting is not None and not table:
        _sitting_stats(project, sitting, th, Path(out))
        return
    try:
        t = load_table(project, exam_id, table)
    except (FileNotFoundError, LookupError) as e:
        raise click.ClickException(str(e)) from None
    report = build_report(t, th)
    files = write_report(report, Path(out))
    for note in report.notes:
        click.echo(note)
    for kind, path in files.items():
        click.echo(f"  {kind:12s} {path}")


def _sitting_stats(project, sitting, th: Thresholds, out: Path) -> None:
    """An A/B sitting: the combined report in OUT, each variant's own report in OUT/<变体>卷/."""
    from ..stats.sitting_report import build_sitting_report

    simulated = bool(project.config().get("demo", {}).get("simulated"))
    tables = []
    for label, vid in sitting.variants.items():
        t = load_gradebook(project, vid)
        t.simulated = simulated
        tables.append((label, t))
    combined = build_sitting_report(tables, sitting.exam_id, th)
    files = write_report(combined, out)
    click.echo(f"A/B 卷考试 {sitting.exam_id}（{len(tables)} 份变体，合并统计）：")
    for note in combined.notes:
        click.echo(note)
    for kind, path in files.items():
        click.echo(f"  {kind:12s} {path}")
    for label, t in tables:
        variant_files = write_report(build_report(t, th), out / f"{label}卷")
        click.echo(f"{label} 卷（{t.exam_id}）：{variant_files['html']}")


@click.command("demo")
@click.option("--out", default="qingfeng-demo", show_default=True, type=click.Path(file_okay=False), help="演示项目文件夹（会被覆盖）")
@click.option("--n", default=600, show_default=True, help="模拟考生人数")
@click.pass_obj
def demo(lazy, out: str, n: int) -> None:
    """生成一个模拟数据的演示项目（5 个单位、n 名模拟考生），并输出完整的统计报告。"""
    from ..demo.district import EXAM, build_demo

    project = lazy.get()
    dest = Path(out).resolve()
    click.echo(f"正在生成模拟数据（{n} 名模拟考生，不是真实成绩）：{dest}")
    with tqdm(total=n, desc="评分", unit="份", ncols=80) as bar:
        demo_project = build_demo(project, dest, n, progress=bar.update)
    t = load_table(demo_project, EXAM, None)
    files = write_report(build_report(t, _thresholds(demo_project, None, None)), dest / "统计报告")
    click.echo(f"已生成。打开 {files['html']} 查看报告；Excel：{files['xlsx']}")
