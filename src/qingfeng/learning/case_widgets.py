"""The case-grading exercise and the grading-factor explorer (ipywidgets).

Callbacks only read widget values, call :mod:`.exercises` and show the
feedback; the controls are attributes so tests can set values and click.
"""
from __future__ import annotations

import html
import random

import ipywidgets as W

from ..cases import Case
from ..risk import FACTOR_LABELS, parse_level
from .exercises import (CATEGORY_CHOICES, LEVEL_CHOICES, WARNING_CHOICES, CaseAnswer, all_disposal_actions, check_case,
                        explore_result)
from .grade_view import grade_html
from .progress import ProgressStore
from .render import feedback_html, safe_callback

__all__ = ["CaseGrader", "FactorExplorer"]
ALL = "（全部）"


class CaseGrader:
    """Pick a real case (filter by category, level, post), grade it, get per-part feedback."""

    def __init__(self, cases: list[Case], store: ProgressStore | None = None, seed: int | None = None):
        self.cases = sorted(cases, key=lambda c: c.id)
        self.store = store
        self.rng = random.Random(seed)
        self.category = W.Dropdown(options=(ALL, *CATEGORY_CHOICES), value=ALL, description="风险类别")
        self.level_filter = W.Dropdown(options=(ALL, *LEVEL_CHOICES), value=ALL, description="风险等级")
        self.post = W.Text(placeholder="岗位关键词，如 村、局长、财务", description="岗位")
        self.case = W.Dropdown(description="案例", layout=W.Layout(width="95%"))
        self.shuffle = W.Button(description="随机换一个", icon="random")
        self.case_html = W.HTML()
        self.primary = W.Dropdown(options=CATEGORY_CHOICES, value=None, description="主要类别")
        self.others = W.SelectMultiple(options=CATEGORY_CHOICES, rows=5, description="其他类别")
        self.level = W.ToggleButtons(options=LEVEL_CHOICES, value=None, description="风险等级")
        self.warning = W.ToggleButtons(options=WARNING_CHOICES, value=None, description="预警颜色")
        self.actions = W.SelectMultiple(options=all_disposal_actions(), rows=9, description="处置措施",
                                        layout=W.Layout(width="95%"))
        self.submit = W.Button(description="提交", button_style="primary")
        self.feedback = W.HTML()
        for w in (self.category, self.level_filter, self.post):
            w.observe(self._filter, names="value")
        self.case.observe(self._show_case, names="value")
        self.shuffle.on_click(self._shuffle)
        self.submit.on_click(self._check)
        self._filter()
        self.widget = W.VBox([
            W.HTML("<h4>给真实案例定级</h4>"), W.HBox([self.category, self.level_filter, self.post]),
            W.HBox([self.case, self.shuffle]), self.case_html,
            W.HTML("<b>你的研判</b>（按住 Ctrl 可多选其他类别和处置措施）"), self.primary, self.others, self.level, self.warning,
            self.actions,
            self.submit, self.feedback])

    def matching(self) -> list[Case]:
        out = self.cases
        if self.category.value != ALL:
            out = [c for c in out if self.category.value in c.annotation.categories]
        if self.level_filter.value != ALL:
            lv = parse_level(self.level_filter.value)
            out = [c for c in out if parse_level(c.annotation.level) == lv]
        key = (self.post.value or "").strip()
        if key:
            out = [c for c in out if key in c.post or key in c.unit_type]
        return out

    @safe_callback("feedback")
    def _filter(self, change=None) -> None:
        found = self.matching()
        self.case.options = [(f"{c.title}（{c.post}）", c.id) for c in found]
        self.case.value = found[0].id if found else None
        if not found:
            self.case_html.value = "<i>没有符合条件的案例，请放宽筛选条件。</i>"

    @safe_callback("feedback")
    def _shuffle(self, _=None) -> None:
        found = self.matching()
        if found:
            self.case.value = self.rng.choice(found).id

    def current(self) -> Case | None:
        return next((c for c in self.cases if c.id == self.case.value), None)

    @safe_callback("feedback")
    def _show_case(self, change=None) -> None:
        c = self.current()
        self.feedback.value = ""
        for w in (self.primary, self.level, self.warning):
            w.value = None
        self.actions.value = ()
        self.others.value = ()
        if c is None:
            return
        amount = f"；涉及金额约 {c.amount_yuan:,.0f} 元" if c.amount_yuan else ""
        self.case_html.value = (f"<div style='border-left:4px solid #4F6D7A;padding-left:8px'><b>{html.escape(c.title)}</b><br>"
                                f"岗位：{html.escape(c.post)}（{html.escape(c.unit_type)}）{amount}<br>{html.escape(c.facts)}<br>"
                                f"<small>来源：{html.escape(c.source.label())}</small></div>")

    @safe_callback("feedback")
    def _check(self, _=None) -> None:
        c = self.current()
        if c is None:
            self.feedback.value = "<i>请先选择一个案例。</i>"
            return
        answer = CaseAnswer(self.primary.value, tuple(self.others.value), self.level.value, self.warning.value,
                            tuple(self.actions.value))
        fb = check_case(c, answer)
        self.feedback.value = feedback_html(fb, f"案例 {c.id} 的讲解")
        if self.store:
            self.store.record("案例定级", c.id, c.annotation.categories[0], fb.score, fb.max_score)


class FactorExplorer:
    """Change the grading factors and watch the level and the reasons change."""

    def __init__(self):
        opts = ("高", "中", "低")
        self.factors = {k: W.ToggleButtons(options=opts, value="中", description=label, style={"description_width": "12em"})
                        for k, label in FACTOR_LABELS.items() if k != "sanzhong_yida"}
        self.sanzhong = W.Checkbox(value=False, description="涉及“三重一大”（重大决策、重要人事任免、重大项目安排、大额资金使用）",
                                   layout=W.Layout(width="95%"))
        self.result = W.HTML()
        for w in (*self.factors.values(), self.sanzhong):
            w.observe(self._update, names="value")
        self._update()
        self.widget = W.VBox([W.HTML("<h4>评级因素探索</h4>"), *self.factors.values(), self.sanzhong, self.result])

    def values(self) -> dict:
        return {**{k: w.value for k, w in self.factors.items()}, "sanzhong_yida": self.sanzhong.value}

    @safe_callback("result")
    def _update(self, change=None) -> None:
        result = explore_result(self.values())
        if isinstance(result, str):
            self.result.value = f"<div class='qf-level'><b>无法评定</b></div><ul><li>{html.escape(result)}</li></ul>"
        else:
            self.result.value = grade_html(result)
