"""``qingfeng progress gather-hub``: the trainer's class sheet from the Hub's qingfeng-progress service."""
from __future__ import annotations

import click


@click.command("gather-hub")
@click.argument("url")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="输出的 Excel 文件（.xlsx）")
@click.option("--token", envvar=["QINGFENG_HUB_TOKEN", "JUPYTERHUB_API_TOKEN"], default=None,
              help="培训师本人的 JupyterHub 令牌（默认取环境变量 QINGFENG_HUB_TOKEN 或 JUPYTERHUB_API_TOKEN）")
def gather_hub(url: str, out: str, token: str | None) -> None:
    """从 JupyterHub 的进度服务（如 http://127.0.0.1:8000/services/qingfeng-progress/）读取全班练习记录，写成一个 Excel 表。"""
    import pandas as pd

    from ..learning.progress import COLUMNS, summarise
    from ..learning.progress_hub import fetch_all

    if not token:
        raise click.ClickException("缺少令牌：请用 --token 或环境变量 QINGFENG_HUB_TOKEN 给出培训师本人的 JupyterHub 令牌")
    try:
        rows = fetch_all(url, token)
    except (PermissionError, ConnectionError) as e:
        raise click.ClickException(str(e)) from None
    df = pd.DataFrame(rows, columns=["learner", *[c for c in COLUMNS if c != "learner"]]).rename(columns=COLUMNS)
    from pathlib import Path

    from ..spreadsheet import write_frames

    frames = {"练习记录": df}
    per_learner = [summarise(g.rename(columns={"风险类别": "category", "得分": "score", "满分": "max_score"})).assign(学员=name)
                   for name, g in df.groupby("学员")] if len(df) else []
    if per_learner:
        frames["按类别"] = pd.concat(per_learner)[["学员", "风险类别", "练习次数", "掌握程度"]]
    write_frames(Path(out), frames)  # formula-safe: names typed by learners are written as text
    click.echo(f"已从进度服务汇总 {df['学员'].nunique() if len(df) else 0} 名学员、{len(df)} 条练习记录：{out}")
