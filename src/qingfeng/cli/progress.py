"""``qingfeng progress gather``: one table of a class's exercise results."""
from __future__ import annotations

from pathlib import Path

import click

from ..learning.progress import gather, summarise


@click.group()
def progress() -> None:
    """学员进度：汇总全班的练习记录。"""


@progress.command("gather")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="输出的 Excel 文件（.xlsx）")
@click.option("--hub", "hub_url", default=None, metavar="URL",
              help="从 JupyterHub 的进度服务读取全班记录，例如 http://127.0.0.1:8000/services/qingfeng-progress/")
@click.option("--token", envvar=["QINGFENG_HUB_TOKEN", "JUPYTERHUB_API_TOKEN"], default=None,
              help="培训师本人的 JupyterHub 令牌（默认取环境变量 QINGFENG_HUB_TOKEN 或 JUPYTERHUB_API_TOKEN）")
def gather_cmd(paths: tuple[str, ...], out: str, hub_url: str | None, token: str | None) -> None:
    """汇总学员的 progress.sqlite（可给文件或文件夹；文件夹内逐级查找），或用 --hub 从进度服务读取，写成一个 Excel 表。"""
    if hub_url:
        from ..learning.progress import COLUMNS
        from ..learning.progress_hub import fetch_all

        if not token:
            raise click.ClickException("缺少令牌：请用 --token 或环境变量 QINGFENG_HUB_TOKEN 给出培训师本人的 JupyterHub 令牌")
        try:
            rows = fetch_all(hub_url, token)
        except (PermissionError, ConnectionError) as e:
            raise click.ClickException(str(e)) from None
        import pandas as pd

        df = pd.DataFrame(rows, columns=list(COLUMNS)).rename(columns=COLUMNS)
    elif paths:
        files: list[Path] = []
        for p in map(Path, paths):
            files += sorted(p.rglob("progress.sqlite")) if p.is_dir() else [p]
        df = gather(files)
    else:
        raise click.UsageError("请给出学员的 progress.sqlite 文件或文件夹，或用 --hub 指定进度服务")
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
