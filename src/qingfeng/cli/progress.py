"""``qingfeng progress gather`` and ``qingfeng progress verify``: a class's progress and certificates."""
from __future__ import annotations

from pathlib import Path

import click


@click.group()
def progress() -> None:
    """学员进度：汇总全班的学习情况，核验结业证书。"""


@progress.command("gather")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="输出的 Excel 文件（.xlsx）")
def gather_cmd(paths: tuple[str, ...], out: str) -> None:
    """汇总学员的 progress.sqlite（可给文件或文件夹；文件夹内逐级查找）到一个 Excel 表。"""
    import pandas as pd

    from ..learning.class_report import class_sheet, find_progress_files
    from ..learning.progress import gather, summarise

    files = find_progress_files([Path(p) for p in paths])
    sheet = class_sheet(files)
    df = gather(files)
    for s in sorted(set(df.attrs.get("skipped", [])) | set(sheet.attrs.get("skipped", []))):
        click.echo(f"跳过无法读取的文件：{s}", err=True)
    from ..spreadsheet import write_frames

    frames = {"学员汇总": sheet, "练习记录": df}
    per_learner = [summarise(g.rename(columns={"风险类别": "category", "得分": "score", "满分": "max_score"})).assign(学员=name)
                   for name, g in df.groupby("学员")] if len(df) else []
    if per_learner:
        frames["按类别"] = pd.concat(per_learner)[["学员", "风险类别", "练习次数", "掌握程度"]]
    write_frames(Path(out), frames)  # formula-safe: names and units are written as text
    passed = int((sheet["结业测验"] == "通过").sum()) if len(sheet) else 0
    certs = int((sheet["证书编号"] != "").sum()) if len(sheet) else 0
    click.echo(f"已汇总 {len(sheet)} 名学员（结业测验通过 {passed} 人，已发证书 {certs} 份）、{len(df)} 条练习记录：{out}")


@progress.command("verify")
@click.argument("cert_id")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--hub", "hub_url", default=None,
              help="在 JupyterHub 的进度服务上核验（如 http://127.0.0.1:8000/services/qingfeng-progress/；Hub 终端里默认取 QINGFENG_PROGRESS_URL）")
@click.option("--token", envvar=["QINGFENG_HUB_TOKEN", "JUPYTERHUB_API_TOKEN"], default=None,
              help="培训师本人的 JupyterHub 令牌（--hub 时；默认取环境变量 QINGFENG_HUB_TOKEN 或 JUPYTERHUB_API_TOKEN）")
def verify_cmd(cert_id: str, paths: tuple[str, ...], hub_url: str | None, token: str | None) -> None:
    """核验结业证书编号：单机时在学员的进度文件（默认：本机的进度文件）中查找并校验签名；
    在 JupyterHub 上（--hub，或 Hub 终端里不给文件时）向进度服务核验。有效时退出码为 0。"""
    import os

    hub_url = hub_url or (os.environ.get("QINGFENG_PROGRESS_URL") if not paths else None)
    if hub_url:
        from ..learning.final_test_hub import HubRefused, verify as verify_on_hub

        if not token:
            raise click.ClickException("缺少令牌：请用 --token 或环境变量 QINGFENG_HUB_TOKEN 给出培训师本人的 JupyterHub 令牌")
        try:
            ok, message = verify_on_hub(hub_url, token, cert_id)
        except HubRefused as e:
            raise click.ClickException(str(e)) from None
        click.echo(message)
        if not ok:
            raise SystemExit(1)
        return
    from ..learning.certificate import verify
    from ..learning.class_report import find_progress_files
    from ..learning.progress import default_path

    files = find_progress_files([Path(p) for p in paths]) if paths else [default_path()]
    ok, message, _ = verify(cert_id, files)
    click.echo(message)
    if not ok:
        raise SystemExit(1)


from .progress_hub import gather_hub  # noqa: E402  (light: click only)

progress.add_command(gather_hub)
