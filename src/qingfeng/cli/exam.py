"""``qingfeng exam …``: build, release, collect, autograde, feedback."""
from __future__ import annotations

import click

from ..exam import course
from ..exam.blueprint import BlueprintError
from ..exam.schedule import parse_local, show


def _fail(e: Exception):
    raise click.ClickException(str(e)) from None


@click.group()
def exam() -> None:
    """考试：组卷、发布、收卷、自动评分、反馈。"""


@exam.command("build")
@click.argument("blueprint")
@click.option("--id", "exam_id", required=True, help="试卷编号（nbgrader 作业名），如 2026-q4-a")
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子：同一种子得到同一份试卷，不同种子得到 A/B 卷")
@click.option("--deadline", default=None, help="截止时间（北京时间），如 \"2026-12-01 17:00\"")
@click.option("--force", is_flag=True, help="重新组卷一份已发布、已收卷或已评分的试卷（旧答案文件和源试卷先存档到 exams/keys/archive/），"
                                            "或接受已经过去的截止时间（补录已结束的考试）")
@click.pass_obj
def build(lazy, blueprint: str, exam_id: str, seed: int, deadline: str | None, force: bool) -> None:
    """按组卷方案 BLUEPRINT 从题库抽题，生成 nbgrader 源试卷 exams/source/ID/ID.ipynb。"""
    project = lazy.get()
    try:
        due = parse_local(deadline) if deadline else None
        built = course.build_exam(project, blueprint, exam_id, seed, due, force=force, allow_past=force)
    except (BlueprintError, ValueError) as e:
        _fail(e)
    p = built.paper
    for f in built.archived:
        click.echo(f"已存档旧版本：{f.relative_to(project.root)}")
    click.echo(f"已生成试卷 {exam_id}：{built.notebook.relative_to(project.root)}")
    for s in p.sections:
        click.echo(f"  {s.heading}：{len(s.items)} 题，{s.points:g} 分")
    click.echo(f"  满分 {p.total:g} 分；截止时间 {show(due) if due else ('沿用原截止时间' if built.archived else '未设定')}；"
               f"答案文件 {built.key.relative_to(project.root)}（不随试卷发布，已记录校验值）")


@exam.command("release")
@click.argument("exam_id")
@click.pass_obj
def release(lazy, exam_id: str) -> None:
    """生成考生版试卷（去掉评分代码和评分要点）并发布。"""
    project = lazy.get()
    try:
        course.generate(project, exam_id)
        course.release(project, exam_id)
    except (course.NbgraderError, LookupError) as e:
        _fail(e)
    click.echo(f"已发布试卷 {exam_id}：考生可在 JupyterLab 的 Assignments 面板中领取。")


@exam.command("collect")
@click.argument("exam_id")
@click.pass_obj
def collect(lazy, exam_id: str) -> None:
    """收取考生已提交的试卷。"""
    from ..exam.outside_roster import set_aside_outside_roster

    project = lazy.get()
    try:
        course.collect(project, exam_id)
    except (course.NbgraderError, LookupError) as e:
        _fail(e)
    click.echo(f"已收卷：{exam_id}")
    outside = set_aside_outside_roster(project, exam_id)
    if outside:
        click.echo(f"注意：{len(outside)} 份提交来自名单外的账号（{'、'.join(outside)}），已移到 exams/outside_roster/，"
                   "不评分、不计入统计", err=True)


@exam.command("autograde")
@click.argument("exam_id")
@click.option("--student", default=None, help="只评某位考生（编号）")
@click.option("--nbgrader-check", is_flag=True,
              help="另在沙箱中运行真正的 nbgrader autograde（临时无特权用户、无网络、资源受限、课程副本），逐题核对与静态评分是否一致；"
                   "沙箱结果不记入成绩库。需要 root")
@click.pass_obj
def autograde(lazy, exam_id: str, student: str | None, nbgrader_check: bool) -> None:
    """客观题自动评分（含部分得分）：静态读取作答，不运行考生写的任何代码（与 qingfeng mark 相同）。"""
    from .mark import print_report

    project = lazy.get()
    try:
        report = course.autograde(project, exam_id, student)
    except (LookupError, FileNotFoundError, ValueError) as e:
        _fail(e)
    print_report(report)
    click.echo(f"自动评分完成：{exam_id}。简答、论述题请在 Formgrader 中人工评分。")
    if nbgrader_check:
        _nbgrader_check(project, exam_id, student)
    if report.problems:
        raise SystemExit(1)


def _nbgrader_check(project, exam_id: str, student: str | None) -> None:
    from ..exam.sandbox import SandboxRefused, describe, nbgrader_check

    click.echo("正在沙箱中运行 nbgrader autograde 核对（较慢）……")
    try:
        check = nbgrader_check(project, exam_id, student)
    except SandboxRefused as e:
        _fail(e)
    for line in describe(check):
        click.echo(line, err=True)
    if not check.equal:
        raise click.ClickException(f"nbgrader 沙箱评分与静态评分有 {len(check.differences)} 处不同（上面逐一列出）；"
                                   "成绩库中记录的是静态评分，沙箱结果未记入")
    click.echo(f"核对一致：{len(check.candidates)} 份答卷的每道客观题，nbgrader 沙箱评分与静态评分相同。")


@exam.command("feedback")
@click.argument("exam_id")
@click.option("--reveal", is_flag=True, help="在反馈中显示参考答案和解析（仅限考试截止之后）")
@click.pass_obj
def feedback(lazy, exam_id: str, reveal: bool) -> None:
    """生成并发还考生反馈：每题得分与评分说明；不含评分代码、答案（除非 --reveal）和评分要点。"""
    project = lazy.get()
    try:
        course.check_reveal_allowed(project, exam_id, reveal)
        course.generate_feedback(project, exam_id, reveal)
        course.release_feedback(project, exam_id)
    except (course.NbgraderError, ValueError, LookupError) as e:
        _fail(e)
    click.echo(f"已生成并发还反馈：{exam_id}" + ("（含参考答案）" if reveal else ""))


@exam.command("roster")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def roster(lazy, file: str) -> None:
    """导入考生名单（.xlsx/.csv，表头：编号、姓名、单位、部门、岗位）到成绩库。"""
    from pathlib import Path

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
@click.argument("student")
@click.argument("item_id")
@click.argument("score", type=float)
@click.option("--comment", default="", help="给考生的评语")
@click.pass_obj
def grade(lazy, exam_id: str, student: str, item_id: str, score: float, comment: str) -> None:
    """录入简答、论述题的人工评分（也可在 Formgrader 中录入）。"""
    from ..exam.course import set_manual_grade

    try:
        set_manual_grade(lazy.get(), exam_id, student, item_id, score, comment)
    except (ValueError, LookupError) as e:
        _fail(e)
    click.echo(f"已记录：{student} 第 {item_id} 题 {score:g} 分")


@exam.command("sheet-template")
@click.argument("exam_id")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def sheet_template(lazy, exam_id: str, file: str) -> None:
    """生成纸质答卷的录入表（编号 + 每题一列，填空题每空一列，主观题填得分）。"""
    from pathlib import Path

    from ..exam.answer_sheets import write_sheet_template
    from ..exam.keys import read_key

    from ..exam.registry import require_exam

    try:
        write_sheet_template(read_key(lazy.get().exams_dir, require_exam(lazy.get(), exam_id)), Path(file))
    except (FileNotFoundError, LookupError) as e:
        _fail(e)
    click.echo(f"已生成答题卡录入表：{file}")
