"""``qingfeng hub …``: accounts from the roster, and the data root for ``make hub`` (run as root)."""
from __future__ import annotations

from pathlib import Path

import click


@click.group()
def hub() -> None:
    """多人部署（JupyterHub）：按名单建账号、准备数据目录。"""


def _layout(project):
    from ..hub.layout import layout

    return layout(project.root)


@hub.command("prepare")
@click.option("--db-url", default=None, help="成绩库地址（不含密码），如 deploy/postgres.sh url 的输出；写入课程副本的 qingfeng.toml")
@click.option("--password-file", default=None, help="成绩库密码文件（deploy/postgres.sh password-file）")
@click.pass_obj
def prepare(lazy, db_url: str | None, password_file: str | None) -> None:
    """准备 Hub 数据目录（用户组、阅卷账号、课程副本、交换目录、各角色设置）；make hub 会自动运行。"""
    from ..hub.accounts import AccountsError
    from ..hub.prepare import prepare as run

    project = lazy.get()
    lay = _layout(project)
    try:
        done = run(project, lay, db_url, password_file)
    except AccountsError as e:
        raise click.ClickException(str(e)) from None
    for line in done:
        click.echo(line)
    click.echo(f"Hub 数据目录已就绪：{lay.root}")


@hub.command("accounts")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), default="账号密码单.xlsx", show_default=True,
              help="账号密码单（只有本人可读，权限 0600）")
@click.option("--reset-password", "reset", multiple=True, metavar="编号", help="重新设置这位的密码（可重复）")
@click.option("--url", "hub_url", default="", help="写进密码单的登录地址，如 http://服务器地址:8000/")
@click.option("--home-base", type=click.Path(file_okay=False), default="/home", show_default=True,
              help="个人主目录所在的文件夹")
@click.pass_obj
def accounts(lazy, file: str, out: str, reset: tuple[str, ...], hub_url: str, home_base: str) -> None:
    """按名单（编号、姓名、单位、部门、岗位，可选“角色”：学员/考生、考官、培训师、领导）创建账号和初始密码。

    编号即登录名（一律按小写）。重复运行只增加新名单中的人，已有账号的密码不变，除非 --reset-password。
    """
    from ..hub.accounts import AccountsError, apply_accounts, read_accounts, write_password_sheet
    from ..hub.roster_sync import sync_course_roster

    project = lazy.get()
    lay = _layout(project)
    rows, errors = read_accounts(Path(file), lay)
    if errors:
        for e in errors:
            click.echo(f"{Path(file).name}：{e}", err=True)
        raise click.ClickException(f"共 {len(errors)} 处错误，没有创建任何账号")
    try:
        report = apply_accounts(rows, lay, set(reset), Path(home_base))
    except AccountsError as e:
        raise click.ClickException(str(e)) from None
    sheet = write_password_sheet(Path(out), rows, report, hub_url)
    synced = sync_course_roster(Path(file), rows, lay)
    click.echo(f"新建 {len(report.created)} 个账号，更新角色 {len(report.updated)} 个，设置密码 {len(report.passwords)} 个；"
               f"共 {len(rows)} 人")
    if synced:
        click.echo(f"已把 {synced} 名学员/考生登记到课程名单（{lay.course / 'exams' / 'roster.csv'}）")
    click.echo(f"账号密码单：{sheet}（仅本人可读，请妥善保管后分发）")
