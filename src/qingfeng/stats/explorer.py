"""The examiner's statistics panel for ``grading/`` notebooks: pick an exam and a unit, read the figures.

Only collects choices and displays what :mod:`.report` computes.
"""
from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as W

from ..learning.render import safe_callback
from ..project import Project, find_project
from .data import ScoreTable, load_gradebook
from .report import Report, build_report, views, write_report

__all__ = ["StatsExplorer", "exams_with_results", "for_unit"]
ALL = "（全部单位）"


def exams_with_results(project: Project) -> list[str]:
    from sqlalchemy import text

    from ..exam.gradebook_db import connect, locate

    db = locate(project)
    if db.backend == "sqlite" and not db.sqlite_path.is_file():
        return []
    with connect(db, readonly=True) as con:
        if "assignment" not in _tables(con):
            return []
        rows = con.execute(text("""SELECT a.name FROM assignment a JOIN submitted_assignment s ON s.assignment_id = a.id
                                   GROUP BY a.name ORDER BY a.name""")).fetchall()
    return [r[0] for r in rows if (project.exams_dir / "keys" / f"{r[0]}.json").is_file()]


def _tables(con) -> set[str]:
    from sqlalchemy import inspect

    return set(inspect(con).get_table_names())


def for_unit(t: ScoreTable, unit: str) -> ScoreTable:
    roster = t.roster[t.roster["单位"] == unit]
    ids = t.scores.index.intersection(roster.index)
    resp = t.responses.reindex(ids) if t.responses is not None else None
    return ScoreTable(t.exam_id, f"{t.title}（{unit}）", t.items, t.scores.loc[ids], roster, t.late.reindex(ids), resp, t.simulated)


class StatsExplorer:
    def __init__(self, project: Project | None = None):
        self.project = project or find_project()
        self.exams = exams_with_results(self.project)
        self.exam = W.Dropdown(options=self.exams, value=self.exams[0] if self.exams else None, description="试卷")
        self.unit = W.Dropdown(options=[ALL], value=ALL, description="单位")
        self.export = W.Button(description="导出 Excel/HTML", icon="download")
        self.status = W.HTML()
        self.body = W.VBox()
        self._table: ScoreTable | None = None
        self.exam.observe(self._load, names="value")
        self.unit.observe(self._show, names="value")
        self.export.on_click(self._export)
        self.widget = W.VBox([W.HBox([self.exam, self.unit, self.export]), self.status, self.body])
        if not self.exams:
            self.status.value = ("<i>成绩库中还没有考试成绩。考完并评分后再打开本页；想先看看效果，可在终端运行 "
                                 "<code>.venv/bin/qingfeng demo</code> 生成模拟数据的演示项目。</i>")
        else:
            self._load()

    @safe_callback("status", "读取成绩失败")
    def _load(self, change=None) -> None:
        t = load_gradebook(self.project, self.exam.value)
        t.simulated = bool(self.project.config().get("demo", {}).get("simulated"))
        self._table = t
        self.unit.options = [ALL, *sorted(t.roster["单位"].unique())]
        self.unit.value = ALL
        self._show()

    def current(self) -> Report | None:
        if self._table is None:
            return None
        t = self._table if self.unit.value == ALL else for_unit(self._table, self.unit.value)
        return build_report(t)

    @safe_callback("status", "统计失败")
    def _show(self, change=None) -> None:
        r = self.current()
        if r is None:
            return
        self.status.value = "".join(f"<p style='background:#fff6e0;padding:4px'>{html.escape(n)}</p>" for n in r.notes)
        parts: list[W.Widget] = []
        for name, df in views(r).items():
            if self.unit.value != ALL and name in ("按单位", "单位×风险类别"):
                continue
            parts.append(W.HTML(f"<h3>{html.escape(name)}</h3>" + df.to_html(index=False, border=0, na_rep="—", float_format=lambda v: f"{v:.3g}")))
        for key in ("histogram", "units", "heatmap", "items"):
            if key in r.charts and not (self.unit.value != ALL and key in ("units", "heatmap")):
                parts.append(W.Image(value=r.charts[key], format="png", layout=W.Layout(max_width="760px")))
        self.body.children = parts

    @safe_callback("status", "导出失败")
    def _export(self, _=None) -> None:
        r = self.current()
        if r is None:
            return
        files = write_report(r, self.project.grading_dir / "报告" / r.table.exam_id)
        self.status.value += f"<p>已导出到 {html.escape(str(Path(files['html']).parent))}</p>"
