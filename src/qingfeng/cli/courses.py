"""``qingfeng courses sync``: create or update a learner's own copy of the course."""
from __future__ import annotations

from pathlib import Path

import click


@click.group()
def courses() -> None:
    """学员课程：为每位学员准备和更新自己的课程副本。"""


@courses.command("sync")
@click.option("--dest", required=True, type=click.Path(file_okay=False), help="学员自己的课程文件夹（不存在则创建）")
@click.option("--source", type=click.Path(file_okay=False, exists=True), default=None,
              help="课程原件文件夹（默认：项目的 courses/）")
@click.pass_obj
def sync_cmd(obj, dest: str, source: str | None) -> None:
    """第一次复制全部课程；以后按单元格三方合并：学员没改过的单元格换成新版本，改过的保留，新单元格和新单元加入。"""
    from ..learning.sync import sync_courses

    project = obj.get()
    src = Path(source) if source else project.root / "courses"
    try:
        report = sync_courses(src, Path(dest), project.root)
    except (FileNotFoundError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    click.echo(report.summary())
