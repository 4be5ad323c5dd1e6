"""``qingfeng exam …``: build, assign, schedule, release, collect, autograde, feedback, notebooks.

The commands about candidates' records (roster, grade, export, print,
sheet-template) are in :mod:`.exam_records`, on the same group.

Heavy modules (nbgrader, nbformat, pandas, python-docx) are imported inside
the commands, so ``qingfeng exam --help`` starts in a fraction of a second.
An A/B sitting (``build --variants 2``) is addressed by its exam id; release,
collect and autograde then act on every variant.
"""
from __future__ import annotations

from pathlib import Path

import click

from ..exam.blueprint import BlueprintError


def _fail(e: Exception):
    raise click.ClickException(str(e)) from None


@click.group()
def exam() -> None:
    """考试：组卷、发布、收卷、自动评分、反馈。"""


def _variants(project, exam_id: str) -> list[tuple[str, str]]:
    from ..exam.sitting import exam_variants

    return exam_variants(project, exam_id)


@exam.command("build")
@click.argument("blueprint")
@click.option("--id", "exam_id", required=True, help="试卷编号（nbgrader 作业名），如 2026-q4")
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子：同一种子得到同一份试卷")
@click.option("--variants", type=int, default=1, show_default=True,
              help="变体数：2 即 A/B 卷（编号 ID-a、ID-b），各卷题目互不重复、类别题型分值计分规则相同")
@click.option("--deadline", default=None, help="截止时间（北京时间），如 \"2026-12-01 17:00\"")
@click.option("--force", is_flag=True, help="重新组卷一份已发布、已收卷或已评分的试卷（旧答案文件和源试卷先存档到 exams/keys/archive/），"
                                            "或接受已经过去的截止时间（补录已结束的考试）")
@click.pass_obj
def build(lazy, blueprint: str, exam_id: str, seed: int, variants: int, deadline: str | None, force: bool) -> None:
    """按组卷方案 BLUEPRINT 从题库抽题，生成 nbgrader 源试卷 exams/source/ID/ID.ipynb。"""
    from ..exam import course
    from ..exam.schedule import parse_local, show

    project = lazy.get()
    try:
        due = parse_local(deadline) if deadline else None
        if variants > 1:
            from ..exam.sitting import build_sitting

            sitting, built, draw = build_sitting(project, blueprint, exam_id, variants, seed, due, force=force)
        else:
            built, draw = [course.build_exam(project, blueprint, exam_id, seed, due, force=force, allow_past=force)], None
    except (BlueprintError, ValueError) as e:
        _fail(e)
    for b in built:
        p = b.paper
        for f in b.archived:
            click.echo(f"已存档旧版本：{f.relative_to(project.root)}")
        click.echo(f"已生成试卷 {b.exam_id}：{b.notebook.relative_to(project.root)}")
        for s in p.sections:
            click.echo(f"  {s.heading}：{len(s.items)} 题，{s.points:g} 分")
        click.echo(f"  满分 {p.total:g} 分；截止时间 {show(due) if due else ('沿用原截止时间' if b.archived else '未设定')}；"
                   f"答案文件 {b.key.relative_to(project.root)}（不随试卷发布，已记录校验值）")
    if draw is not None:
        click.echo(f"A/B 卷考试 {exam_id}：{'、'.join(f'{k} 卷 {v}' for k, v in sitting.variants.items())}")
        if draw.overlap:
            for heading, ids in draw.overlap.items():
                click.echo(f"  题库不足，{heading}有 {len(ids)} 道题出现在多份变体中：{'、'.join(ids)}")
        else:
            click.echo("  各变体题目互不重复。")
        click.echo(f"  {draw.balance}")
        click.echo(f"  下一步：qingfeng exam assign {exam_id}（按座位顺序）或 qingfeng exam assign {exam_id} 名单.xlsx（按“试卷”列）")


@exam.command("assign")
@click.argument("exam_id")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.pass_obj
def assign(lazy, exam_id: str, file: str | None) -> None:
    """A/B 卷：分配每位考生的变体。给 FILE（编号 + 试卷/变体/卷别 列）按表分配，否则按名单顺序（座位顺序）A、B 交替。"""
    from ..exam.sitting import assign_variants

    sitting, errors = assign_variants(lazy.get(), exam_id, Path(file) if file else None)
    if errors:
        for e in errors:
            click.echo(f"{Path(file).name + '：' if file else ''}{e}", err=True)
        raise click.ClickException(f"共 {len(errors)} 处错误，变体分配未改变")
    for label, vid in sitting.variants.items():
        who = sitting.candidates(label)
        click.echo(f"{label} 卷（{vid}）：{len(who)} 人：{'、'.join(who[:12])}{'……' if len(who) > 12 else ''}")


@exam.command("schedule")
@click.argument("exam_id")
@click.option("--opens", required=True, help="开考时间（北京时间），如 \"2026-12-10 09:00\"；此前考生打开试卷只见“考试尚未开始”")
@click.option("--duration", type=int, required=True, help="考试时长（分钟），每位考生从第一次打开试卷起计时，如 90")
@click.option("--closes", required=True, help="结束时间（北京时间），如 \"2026-12-10 11:30\"；晚开始的考生也到此为止")
@click.option("--late", type=click.Choice(["refuse", "flag", "deduct"]), default="refuse", show_default=True,
              help="迟交处理：refuse 拒收（迟交未计分）、flag 照收并标记、deduct 照收并按迟交分钟扣分（nbgrader 迟交扣分插件）")
@click.option("--deduct-per-minute", type=float, default=0.0, help="--late deduct 时每迟交 1 分钟（不足 1 分钟按 1 分钟）扣的分数")
@click.option("--grace-seconds", type=int, default=60, show_default=True,
              help="交卷宽限（秒）：个人截止后这么多秒内交到的试卷仍算按时（倒计时到零自动交卷需要保存和复制的时间）")
@click.option("--force", is_flag=True, help="接受已经过去的开考或结束时间，或更改已发布、已收卷、已评分试卷的考试时间")
@click.pass_obj
def schedule(lazy, exam_id: str, opens: str, duration: int, closes: str, late: str, deduct_per_minute: float,
             grace_seconds: int, force: bool) -> None:
    """设定计时考试：开考时间、考试时长、结束时间（北京时间）和迟交处理；A/B 卷一次设定全部变体。须在发布前设定。"""
    from ..exam.schedule import parse_local
    from ..exam.timed_sitting import declare_schedule

    project = lazy.get()
    try:
        times = {}
        for option, value in (("--opens", opens), ("--closes", closes)):
            try:
                times[option] = parse_local(value)
            except ValueError as e:
                raise ValueError(f"{option}：{str(e).replace('截止时间', '时间', 1)}") from None
        windows = declare_schedule(project, exam_id, times["--opens"], times["--closes"], duration, late,
                                   deduct_per_minute, force=force, grace_seconds=grace_seconds)
    except (ValueError, LookupError) as e:
        _fail(e)
    for w in windows:
        click.echo(f"已设定试卷 {w.exam_id} 的考试时间：{w.describe()}")
    click.echo(f"下一步：qingfeng exam release {exam_id}（考试时间随试卷发给考生）")


@exam.command("release")
@click.argument("exam_id")
@click.pass_obj
def release(lazy, exam_id: str) -> None:
    """生成考生版试卷（去掉评分代码和评分要点）并发布；A/B 卷发布每份变体。"""
    from ..exam import course

    project = lazy.get()
    for label, vid in _variants(project, exam_id):
        try:
            course.generate(project, vid)
            course.release(project, vid)
        except (course.NbgraderError, LookupError) as e:
            _fail(e)
        click.echo(f"已发布试卷 {vid}{f'（{label} 卷）' if label else ''}：考生可在 JupyterLab 的 Assignments 面板中领取。")


@exam.command("collect")
@click.argument("exam_id")
@click.pass_obj
def collect(lazy, exam_id: str) -> None:
    """收取考生已提交的试卷（A/B 卷收取每份变体）；名单外账号的提交另放，不评分、不计入统计。"""
    from ..exam import course
    from ..exam.outside_roster import set_aside_outside_roster

    project = lazy.get()
    for _, vid in _variants(project, exam_id):
        try:
            course.collect(project, vid)
        except (course.NbgraderError, LookupError) as e:
            _fail(e)
        click.echo(f"已收卷：{vid}")
        outside = set_aside_outside_roster(project, vid)
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
    """客观题自动评分（含部分得分）：静态读取作答，不运行考生写的任何代码（与 qingfeng mark 相同）；A/B 卷逐卷评分。"""
    from ..exam import course
    from .mark import print_report, report_unreadable

    project = lazy.get()
    failed = False
    for _, vid in _variants(project, exam_id):
        try:
            report = course.autograde(project, vid, student)
        except (LookupError, FileNotFoundError, ValueError) as e:
            _fail(e)
        print_report(report)
        click.echo(f"自动评分完成：{vid}。简答、论述题请在 Formgrader 中人工评分。")
        report_unreadable(project, vid)
        if nbgrader_check:
            _nbgrader_check(project, vid, student)
        failed |= bool(report.problems)
    if failed:
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
    from ..exam import course

    project = lazy.get()
    for _, vid in _variants(project, exam_id):
        try:
            course.check_reveal_allowed(project, vid, reveal)
            _paper_notebooks(project, vid)
            course.generate_feedback(project, vid, reveal)
            course.release_feedback(project, vid)
        except (course.NbgraderError, ValueError, LookupError) as e:
            _fail(e)
        click.echo(f"已生成并发还反馈：{vid}" + ("（含参考答案）" if reveal else ""))


def _paper_notebooks(project, exam_id: str, students: tuple[str, ...] | None = None) -> list[str]:
    from tqdm import tqdm

    from ..exam.paper_notebooks import make_notebooks

    with tqdm(desc=f"纸质答卷考生的评分后笔记本（{exam_id}）", unit="份", disable=None) as bar:
        made = make_notebooks(project, exam_id, students, progress=bar.update)
    if made:
        click.echo(f"已为 {len(made)} 名纸质答卷考生生成评分后笔记本：{exam_id}")
    return made


@exam.command("notebooks")
@click.argument("exam_id")
@click.argument("students", nargs=-1)
@click.pass_obj
def notebooks(lazy, exam_id: str, students: tuple[str, ...]) -> None:
    """为纸质答卷考生生成评分后笔记本（供 Formgrader 查看）。不给编号：补齐所有还没有的；给编号：重新生成这几位的。

    qingfeng mark --sheets 只记成绩、保存答卷内容，不逐人写笔记本；qingfeng exam feedback 会先自动补齐。
    """
    project = lazy.get()
    try:
        made = _paper_notebooks(project, exam_id, students or None)
    except (LookupError, ValueError) as e:
        _fail(e)
    missing = sorted(set(students) - set(made), key=str.casefold)
    if missing:
        click.echo(f"以下编号没有按答题卡记分的记录，未生成：{'、'.join(missing)}", err=True)
    elif not made:
        click.echo(f"没有需要生成的笔记本：{exam_id} 的纸质答卷考生都已有评分后笔记本（或没有纸质答卷考生）")


from . import exam_records  # noqa: E402,F401 — registers roster, grade, export, print, sheet-template on ``exam``
