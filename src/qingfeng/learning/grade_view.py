"""HTML for a :class:`qingfeng.risk.GradeResult`: each seed's verdict side by side, then the teaching level."""
from __future__ import annotations

import html

from ..risk import GradeResult, Level

__all__ = ["grade_html", "LEVEL_COLOURS"]

LEVEL_COLOURS = {Level.ONE: "#b22222", Level.TWO: "#d2691e", Level.THREE: "#b8860b"}


def grade_html(result: GradeResult) -> str:
    """A table (文件 | 按其标准 | 依据) with a note on where the seeds agree or differ, and the teaching level."""
    rows = []
    for v in result.verdicts:
        prongs = "<br>".join(
            f"{html.escape(p.label)}：{html.escape(p.value)} → "
            f"{html.escape(p.level.tier) if p.level else '—'}（{html.escape(p.wording)}）" for p in v.prongs)
        colour = LEVEL_COLOURS.get(v.level, "#333") if v.level else "#333"
        fit = "" if v.fit == "集体审定" else f"<br><small>{html.escape(v.fit)}</small>"
        rows.append(f"<tr><td style='vertical-align:top'>{html.escape(str(v.source))}</td>"
                    f"<td style='vertical-align:top;color:{colour}'><b>{html.escape(v.label)}</b>{fit}</td>"
                    f"<td style='text-align:left;vertical-align:top'>{prongs}<br><small>{html.escape(v.summary)}</small></td></tr>")
    agree = "000 与 002 一致" if result.agree else "000 与 002 不一致"
    colour = LEVEL_COLOURS[result.level]
    return (f"<div class='qf-level' style='font-size:1.2em;color:{colour}'><b>教学等级：{html.escape(result.level.label)}</b>"
            f"<span style='font-size:0.8em;color:#333'>（{agree}）</span></div>"
            f"<div>{html.escape(result.reason)}。</div>"
            "<table class='qf-table qf-verdicts'><thead><tr><th>文件</th><th>按其标准</th><th style='text-align:left'>依据</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
