"""``qingfeng exam roster | grade | export | print | sheet-template``: candidates' records around a sitting.

Registered on the ``exam`` group of :mod:`.exam` (which imports this module);
heavy modules are imported inside the commands, as there.
"""
from __future__ import annotations

from pathlib import Path

import click

from .exam import _fail, _variants, exam


@exam.command("roster")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def roster(lazy, file: str) -> None:
    """导入考生名单（.xlsx/.csv，表头：编号、姓名、单位、部门、岗位）到成绩库。"""
    from ..exam.roster import import_roster

    project = lazy.get()
    added, errors = import_roster(project, Path(file))
    if errors:
        for e in errors:
            click.echo(f"{Path(file).name}：{e}", err=True)
        raise click.ClickException(f"共 {len(errors)} 处错误，名单未导入")
    units = sorted({c.unit for c in added})
    click.echo(f"已导入 {len(added)} 名考生，来自 {len(units)} 个单位：{'、'.join(units[:10])}{'……' if len(units) > 10 else ''}")


@exam.command("grade")
@click.argument("exam_id")
@click.argument("marks", nargs=-1)
@click.option("--file", "file", type=click.Path(dir_okay=False), default=None,
              help="评分表（.xlsx/.csv）：编号 + 每题一列（列名写题号如 YM-JD-01 或 简答1），可加“简答1评语”列")
@click.option("--comment", default="", help="给考生的评语（命令行给出的每个得分都用它）")
@click.pass_obj
def grade(lazy, exam_id: str, marks: tuple[str, ...], file: str | None, comment: str) -> None:
    """录入简答、论述题的人工评分：MARKS 为“考生编号 题号 得分”，可连续给多组；或用 --file 整表导入。

    全部校验通过才写入（一次打开成绩库），任何一处错误则一个也不写，并指明行和列。
    """
    from ..exam.manual_marks import parse_triples, read_marks_table, record_marks

    if bool(marks) == bool(file):
        raise click.UsageError("请给出“考生编号 题号 得分”，或用 --file 给出评分表（二者选一）")
    got, errors = read_marks_table(Path(file)) if file else parse_triples(marks, comment)
    n = 0
    if not errors:
        n, errors = record_marks(lazy.get(), exam_id, got)
    if errors:
        for e in errors:
            click.echo(f"{Path(file).name + '：' if file else ''}{e}", err=True)
        raise click.ClickException(f"共 {len(errors)} 处错误，没有记录任何得分")
    if len(got) == 1:
        m = got[0]
        click.echo(f"已记录：{m.student} 第 {m.item} 题 {float(m.score):g} 分")
    else:
        click.echo(f"已记录 {n} 个得分（试卷 {exam_id}）")


@exam.command("export")
@click.argument("exam_id")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def export(lazy, exam_id: str, file: str) -> None:
    """导出成绩表（.xlsx 或 .csv）：每位考生一行，含变体、总分、各部分小计、每题得分、是否迟交、缺考；每个单位一张表。"""
    from ..exam.grade_export import export_grades

    n = export_grades(lazy.get(), exam_id, Path(file))
    click.echo(f"已导出 {n} 名考生的成绩：{file}")


@exam.command("print")
@click.argument("exam_id")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="输出文件夹（默认 exams/printed/，不进入 git）")
@click.pass_obj
def print_cmd(lazy, exam_id: str, out: str | None) -> None:
    """打印用 Word 试卷（.docx）：每份变体一份考生卷（末页为答题卡）和一份评分用卷（含答案、解析、评分要点）。"""
    from ..exam.printed import print_exam

    project = lazy.get()
    for f in print_exam(project, exam_id, Path(out) if out else None):
        click.echo(f"已生成：{f}")


@exam.command("sheet-template")
@click.argument("exam_id")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def sheet_template(lazy, exam_id: str, file: str) -> None:
    """生成纸质答卷的录入表（编号 + 每题一列，填空题每空一列，主观题填得分）；A/B 卷每卷一个文件（文件名加 -A、-B）。"""
    from ..exam.answer_sheets import write_sheet_template
    from ..exam.keys import read_key
    from ..exam.registry import require_exam

    project = lazy.get()
    path = Path(file)
    for label, vid in _variants(project, exam_id):
        target = path.with_name(f"{path.stem}-{label}{path.suffix}") if label else path
        try:
            write_sheet_template(read_key(project.exams_dir, require_exam(project, vid)), target)
        except (FileNotFoundError, LookupError) as e:
            _fail(e)
        click.echo(f"已生成答题卡录入表：{target}" + (f"（{label} 卷，记入时用 qingfeng mark {vid} --sheets {target.name}）" if label else ""))
