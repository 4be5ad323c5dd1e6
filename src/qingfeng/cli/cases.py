"""``qingfeng cases …``: validate, template, import, export."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cases import load_library, summarise
from ..cases.exporter import export_library, write_template
from ..cases.importer import import_sheet


@click.group()
def cases() -> None:
    """案例库：校验、导入导出 Excel 表。"""


@cases.command("validate")
@click.pass_obj
def validate(lazy) -> None:
    """校验案例库中的每个案例文件，并按类别、等级汇总。"""
    project = lazy.get()
    lib = load_library(project.cases_dir)
    if lib.problems:
        for p in lib.problems:
            click.echo(f"错误 {p}", err=True)
        click.echo(f"共发现 {len(lib.problems)} 处错误（{len(lib.cases)} 个案例文件已读取）。", err=True)
        sys.exit(1)
    summary = summarise(lib.cases)
    for line in summary.lines():
        click.echo(line)
    missing = summary.missing()
    if missing:
        click.echo("尚未覆盖：" + "、".join(missing), err=True)
        sys.exit(1)
    click.echo("校验通过。")


@cases.command("template")
@click.argument("file", type=click.Path(dir_okay=False))
def template(file: str) -> None:
    """生成案例导入表（中文表头、下拉选项和填写说明）。"""
    path = Path(file)
    if path.suffix.lower() != ".xlsx":
        raise click.ClickException("模板只能保存为 .xlsx 文件")
    write_template(path)
    click.echo(f"已生成导入表：{path}")


@cases.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="只检查，不写入案例库")
@click.pass_obj
def import_(lazy, file: str, dry_run: bool) -> None:
    """从 .xlsx 或 .csv 导入案例（新增或更新）；有错误时不写入任何内容。"""
    project = lazy.get()
    report = import_sheet(Path(file), project.cases_dir, dry_run=dry_run)
    for line in report.lines():
        click.echo(line, err=bool(report.errors))
    if report.errors:
        sys.exit(1)
    if dry_run:
        click.echo("（试运行：未写入）")


@cases.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def export(lazy, file: str) -> None:
    """把整个案例库导出为 Excel 表（可修改后再导入）。"""
    project = lazy.get()
    try:
        n = export_library(project.cases_dir, Path(file))
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"已导出 {n} 个案例：{file}")
