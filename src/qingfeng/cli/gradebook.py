"""``qingfeng gradebook info``: which database the gradebook really is, as qingfeng and nbgrader see it."""
from __future__ import annotations

import click


@click.group("gradebook")
def gradebook() -> None:
    """成绩库（nbgrader gradebook）的位置与检查。"""


@gradebook.command("info")
@click.pass_obj
def info(lazy) -> None:
    """显示成绩库实际使用的数据库（不显示密码），并核对 nbgrader 与 Formgrader 用的是同一个。"""
    from ..exam.gradebook_db import GradebookConfigError, connect, locate, nbgrader_sees

    project = lazy.get()
    try:
        loc = locate(project)
    except GradebookConfigError as e:
        raise click.ClickException(str(e)) from None
    kind = "SQLite（单机）" if loc.backend == "sqlite" else "PostgreSQL"
    click.echo(f"成绩库：{kind} {loc.shown}")
    click.echo(f"设置来源：{loc.source}")
    if loc.backend == "sqlite" and not loc.sqlite_path.is_file():
        click.echo("状态：数据库文件尚未建立（qingfeng setup 或 qingfeng exam build 时建立）")
    else:
        try:
            with connect(loc, readonly=True):
                pass
            click.echo("状态：可以连接")
        except Exception as e:  # noqa: BLE001 — any driver error is reported, in one line
            raise click.ClickException(f"连接不上成绩库 {loc.shown}：{str(e).splitlines()[0]}") from None
    stale = False
    for label, url in nbgrader_sees(project).items():
        same = url == loc.shown
        stale |= not same
        click.echo(f"{label}：{url}{'' if same else '  ← 与上面不一致！'}")
    if stale:
        raise click.ClickException("nbgrader 用的成绩库与清风不一致：请检查 ~/.jupyter/nbgrader_config.py、"
                                   "/etc/jupyter/nbgrader_config.py 等处是否另设了 CourseDirectory.db_url")
