"""``qingfeng setup``: get a fresh clone ready for JupyterLab (called by ``make run``)."""
from __future__ import annotations

import click

from ..bank import load_bank
from ..cases import load_library, summarise
from ..exam import course
from ..exam.blueprint import BlueprintError

SAMPLE = "yumin-sample"


@click.command("setup")
@click.option("--rebuild", is_flag=True, help="重新生成样卷（已发布或已评分的，旧答案文件和源试卷先存档到 exams/keys/archive/）")
@click.pass_obj
def setup(lazy, rebuild: bool) -> None:
    """检查案例库和题库，生成样卷并登记到 nbgrader 成绩库。"""
    project = lazy.get()
    lib = load_library(project.cases_dir)
    if lib.problems:
        raise click.ClickException(f"案例库有 {len(lib.problems)} 处错误，请运行 qingfeng cases validate 查看")
    click.echo(f"案例库：{summarise(lib.cases).total} 个案例，校验通过")
    bank = load_bank(project.bank_dir, {c.id for c in lib.cases})
    if bank.problems:
        raise click.ClickException(f"题库有 {len(bank.problems)} 处错误，请运行 qingfeng bank validate 查看")
    click.echo(f"题库：{len(bank.items)} 道题，校验通过")
    if rebuild or not course.source_notebook(project, SAMPLE).exists():
        try:
            built = course.build_exam(project, SAMPLE, SAMPLE, force=rebuild)
            course.generate(project, SAMPLE)
        except (BlueprintError, ValueError, course.NbgraderError) as e:
            raise click.ClickException(str(e)) from None
        click.echo(f"样卷：已生成 {built.notebook.relative_to(project.root)}（满分 {built.paper.total:g} 分）")
    else:
        click.echo(f"样卷：已存在 {course.source_notebook(project, SAMPLE).relative_to(project.root)}")
    click.echo("准备完毕。课程在 courses/，考试在 exams/（Formgrader 菜单：Nbgrader → Formgrader）。")
