"""Entry point: ``qingfeng [--root DIR] COMMAND``.

Commands are imported only when run (``LAZY_COMMANDS``): ``qingfeng --help``
imports click and nothing else, so it answers in a fraction of a second even
though marking and statistics need nbgrader, pandas and matplotlib.  A
command module may still be added eagerly with ``cli.add_command``.

Every error reaches the user as Chinese lines (:mod:`.errors`), click's own
words included (:mod:`.chinese`).
"""
from __future__ import annotations

import importlib

import click

from .chinese import install as _chinese_click
from .errors import chinese_error

_chinese_click()

CONTEXT = {"help_option_names": ["-h", "--help"]}

# name -> (module, attribute, the command's one-line help, shown by --help without importing it)
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "bank": ("qingfeng.cli.bank", "bank", "题库：校验与统计。"),
    "cases": ("qingfeng.cli.cases", "cases", "案例库：校验、导入导出 Excel 表。"),
    "courses": ("qingfeng.cli.courses", "courses", "学员课程：为每位学员准备和更新自己的课程副本。"),
    "demo": ("qingfeng.cli.stats", "demo", "生成一个模拟数据的演示项目（5 个单位、n 名模拟考生），并输出完整的统计报告。"),
    "exam": ("qingfeng.cli.exam", "exam", "考试：组卷、发布、收卷、自动评分、反馈。"),
    "gradebook": ("qingfeng.cli.gradebook", "gradebook", "成绩库（nbgrader gradebook）的位置与检查。"),
    "hub": ("qingfeng.cli.hub", "hub", "多人部署（JupyterHub）：按名单建账号、准备数据目录。"),
    "mark": ("qingfeng.cli.mark", "mark", "不运行考生代码，静态读取全部已收试卷的客观题作答并评分，写入 nbgrader 成绩库（A/B 卷逐卷评分）。"),
    "progress": ("qingfeng.cli.progress", "progress", "学员进度：汇总全班的学习情况，核验结业证书。"),
    "setup": ("qingfeng.cli.setup", "setup", "检查案例库和题库，生成样卷并登记到 nbgrader 成绩库。"),
    "stats": ("qingfeng.cli.stats", "stats", "全单位考试统计：按单位、按题目、按风险类别；输出 Excel、HTML 报告、PNG 图表和 CSV。"),
}


class QingfengGroup(click.Group):
    """Lazy commands, and known errors turned into Chinese lines with exit code 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        cmd = super().get_command(ctx, name)
        if cmd is None and name in LAZY_COMMANDS:
            module, attr, _ = LAZY_COMMANDS[name]
            cmd = getattr(importlib.import_module(module), attr)
            self.add_command(cmd, name)
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.commands:
                rows.append((name, self.commands[name].get_short_help_str(formatter.width)))
            else:
                rows.append((name, LAZY_COMMANDS[name][2]))
        if rows:
            with formatter.section(click.core._("Commands")):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as e:  # noqa: BLE001 — every error becomes Chinese lines, never a traceback
            raise click.ClickException(chinese_error(e)) from None


@click.group(cls=QingfengGroup, context_settings=CONTEXT)
@click.option("--root", type=click.Path(file_okay=False), default=None, help="项目文件夹（默认：从当前目录向上查找 qingfeng.toml）")
@click.version_option(package_name="qingfeng", message="清风 qingfeng %(version)s")
@click.pass_context
def cli(ctx: click.Context, root: str | None) -> None:
    """清风：廉政风险防控培训与考试系统。"""
    ctx.obj = _LazyProject(root)


class _LazyProject:
    """Find the project only when a command needs it (so --help works anywhere)."""

    def __init__(self, root: str | None):
        self._root = root
        self._project = None

    def get(self):
        if self._project is None:
            from ..project import find_project

            self._project = find_project(self._root)
        return self._project
