"""``qingfeng bank …``: validate the question bank."""
from __future__ import annotations

import sys
from collections import Counter

import click

from ..bank import ITEM_TYPES, load_bank
from ..cases import load_library


@click.group()
def bank() -> None:
    """题库：校验与统计。"""


@bank.command("validate")
@click.pass_obj
def validate(lazy) -> None:
    """校验题库中的全部题目（错误指明文件、题号和字段）。"""
    project = lazy.get()
    case_ids = {c.id for c in load_library(project.cases_dir).cases}
    b = load_bank(project.bank_dir, case_ids)
    if b.problems:
        for p in b.problems:
            click.echo(f"错误 {p}", err=True)
        click.echo(f"共发现 {len(b.problems)} 处错误（已读取 {len(b.items)} 道题）。", err=True)
        sys.exit(1)
    by_type = Counter(i.type for i in b.items.values())
    click.echo(f"题目总数：{len(b.items)}")
    click.echo("按题型：" + "，".join(f"{t} {by_type.get(t, 0)}" for t in ITEM_TYPES))
    by_topic = Counter(t for i in b.items.values() for t in i.topics)
    click.echo("按主题：" + "，".join(f"{t} {n}" for t, n in by_topic.most_common()))
    click.echo("校验通过。")
