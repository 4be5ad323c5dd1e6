"""Entry point: ``qingfeng [--root DIR] COMMAND``."""
from __future__ import annotations

import click

from ..project import Project, ProjectNotFound, find_project
from .bank import bank
from .cases import cases
from .exam import exam
from .hub import hub
from .mark import mark
from .progress import progress
from .stats import demo, stats
from .setup import setup

CONTEXT = {"help_option_names": ["-h", "--help"]}


class QingfengGroup(click.Group):
    """Turns known domain errors into one Chinese line and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ProjectNotFound as e:
            raise click.ClickException(str(e)) from None
        except Exception as e:  # the domain errors every exam command may raise, each a Chinese sentence
            from ..exam.key_integrity import KeyChanged
            from ..exam.registry import UnknownExam
            from ..ids import IdError

            if isinstance(e, (IdError, UnknownExam, KeyChanged)):
                raise click.ClickException(str(e)) from None
            raise


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
        self._project: Project | None = None

    def get(self) -> Project:
        if self._project is None:
            self._project = find_project(self._root)
        return self._project


cli.add_command(cases)
cli.add_command(bank)
cli.add_command(exam)
cli.add_command(setup)
cli.add_command(mark)
cli.add_command(progress)
cli.add_command(stats)
cli.add_command(demo)
cli.add_command(hub)
