"""``qingfeng progress gather``: one table of a class's exercise results."""
from __future__ import annotations

from pathlib import Path

import click

from ..learning.progress import gather, summarise


@click.group()
def progress() -> None:
    """学员进度：汇总全班的练习记录。"""


@progress.command("gather")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="输出的 Excel 文件（.xlsx）")
def gather_cmd(paths: tuple[str, ...], out: str) -> None:
    """汇总学员的 progress.sqlite（可给文件或文件夹；文件夹内逐级查找）到一个 Excel 表。"""
    files: list[Path] = []
    for p in map(Path, paths):
        files += sorted(p.rglob("progress.sqlite")) if p.is_dir() else [p]
    df = gather(files)
    for s in df.attrs.get("skipped", []):
        click.echo(f"跳过无法读取的文件：{s}", err=True)
    import pandas as pd

    with pd.ExcelWriter(out) as xl:
        df.to_excel(xl, sheet_name="练习记录", index=False)
        per_learner = [summarise(g.rename(columns={"风险类别": "category", "得分": "score", "满分": "max_score"})).assign(学员=name)
                       for name, g in df.groupby("学员")] if len(df) else []
        if per_learner:
            pd.concat(per_learner)[["学员", "风险类别", "练习次数", "掌握程度"]].to_excel(xl, sheet_name="按类别", index=False)
    click.echo(f"已汇总 {df['学员'].nunique() if len(df) else 0} 名学员、{len(df)} 条练习记录：{out}")
