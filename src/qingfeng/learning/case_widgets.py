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
from .attempts import Attempt, Part
from .citations import citation_html, plain, remember_titles
from .exercises import (CATEGORY_CHOICES, LEVEL_CHOICES, WARNING_CHOICES, CaseAnswer, Feedback, all_disposal_actions,
                        check_case, explore_result)
from .grade_view import grade_html
from .progress import ProgressStore
from .render import safe_callback

__all__ = ["CaseGrader", "FactorExplorer"]
ALL = "（全部）"


class CaseGrader(Attempt):
    """Pick a real case (filter by category, level, post), grade it, get per-part feedback."""

    kind = "案例研判"

    def __init__(self, cases: list[Case], store: ProgressStore | None = None, seed: int | None = None,
                 key: str | None = "m06.case", review_card: str | None = None, category_filter: str | None = None):
        self._setup(key, store, review_card)
        self.title = "给真实案例研判"
        self.cases = sorted(cases, key=lambda c: c.id)
        remember_titles(self.cases)
        self.rng = random.Random(seed)
        self.category = W.Dropdown(options=(ALL, *CATEGORY_CHOICES), value=category_filter or ALL, description="风险类别")
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
        self.submit_button = W.Button(description="提交", button_style="primary")
        self.submit_button.on_click(self.submit)
        for w in (self.category, self.level_filter, self.post):
            w.observe(self._filter, names="value")
        self.case.observe(self._show_case, names="value")
        self.shuffle.on_click(self._shuffle)
        self._filter()
        pickers = [W.HBox([self.category, self.level_filter, self.post]), W.HBox([self.case, self.shuffle])]
        self.widget = W.VBox([
            W.HTML(f"<h4>{self.title}</h4>"), *([] if review_card else pickers), self.case_html,
            W.HTML("<b>你的研判</b>（按住 Ctrl 可多选其他类别和处置措施）"), self.primary, self.others, self.level, self.warning,
            self.actions, self.submit_button, self.panel.widget], layout=W.Layout(max_width="1100px"))
        prev = self.previous()
        if prev and any(c.id == prev.get("case") for c in self.cases):
            self.show_previous(prev)

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
        self.panel.clear()
        for w in (self.primary, self.level, self.warning):
            w.value = None
        self.actions.value = ()
        self.others.value = ()
        if c is None:
            return
        amount = f"；涉及金额约 {c.amount_yuan:,.0f} 元" if c.amount_yuan else ""
        self.case_html.value = (f"<div style='border-left:4px solid #4F6D7A;padding-left:8px'><b>{html.escape(c.title)}</b><br>"
                                f"岗位：{html.escape(c.post)}（{html.escape(c.unit_type)}）{amount}<br>{html.escape(plain(c.facts))}<br>"
                                f"<small>来源：{citation_html(c)}</small></div>")

    def feedback_title(self) -> str:
        c = self.current()
        return f"《{c.title}》的讲解" if c else ""

    def answer(self) -> dict:
        c = self.current()
        return {"case": c.id if c else None, "primary": self.primary.value, "others": list(self.others.value),
                "level": self.level.value, "warning": self.warning.value, "actions": list(self.actions.value)}

    def is_empty(self, answer: dict) -> bool:
        return not (answer.get("primary") or answer.get("others") or answer.get("level") or answer.get("warning")
                    or answer.get("actions"))

    def restore(self, answer: dict) -> None:
        if answer.get("case") not in [v for _, v in self.case.options]:
            self.category.value, self.level_filter.value, self.post.value = ALL, ALL, ""
        self.case.value = answer.get("case")
        self.primary.value = answer.get("primary") if answer.get("primary") in CATEGORY_CHOICES else None
        self.others.value = tuple(o for o in answer.get("others", []) if o in CATEGORY_CHOICES)
        self.level.value = answer.get("level") if answer.get("level") in LEVEL_CHOICES else None
        self.warning.value = answer.get("warning") if answer.get("warning") in WARNING_CHOICES else None
        self.actions.value = tuple(a for a in answer.get("actions", []) if a in self.actions.options)

    def mark(self, answer: dict) -> Feedback:
        c = next(x for x in self.cases if x.id == answer["case"])
        return check_case(c, CaseAnswer(answer.get("primary"), tuple(answer.get("others", [])), answer.get("level"),
                                        answer.get("warning"), tuple(answer.get("actions", []))))

    def parts(self) -> list[Part]:
        c = self.current()
        return [Part(c.id, c.annotation.categories[0], f"case:{c.id}", {"kind": "case", "case": c.id}, f"案例：{c.title}")] * 4

    @safe_callback("feedback")
    def submit(self, _=None):
        if self.current() is None:
            self.panel.ask("请先选择一个案例。")
            return None
        return super().submit.__wrapped__(self)


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
