"""Practice widgets: place items in buckets, order the eight steps, a self-check from the bank, progress.

The self-check marks with :mod:`qingfeng.exam.scoring` — the exam's own
engine — so a learner's practice is judged exactly like the real paper.
"""
from __future__ import annotations

import html
import io
import random

import ipywidgets as W

from ..bank import Bank, Item
from ..chart_fonts import use_chinese_font
from ..exam.answers import AnswerRead
from ..exam.paper import stem_with_blanks
from ..exam.scoring import KeyEntry, score
from ..risk import EIGHT_STEPS
from .exercises import Feedback, PartFeedback, PlacementTask, check_placement, check_step_order
from .progress import ProgressStore
from .render import feedback_html, safe_callback

__all__ = ["Placement", "StepOrder", "SelfCheck", "ProgressView"]


class Placement:
    """Put each item into its bucket (PDCA phase, execution stage, risk category …)."""

    def __init__(self, title: str, tasks: list[PlacementTask], buckets: tuple[str, ...], part: str = "归类",
                 store: ProgressStore | None = None, category: str | None = None):
        self.tasks, self.part, self.store, self.title, self.category = tasks, part, store, title, category
        self.choices = [W.Dropdown(options=buckets, value=None, layout=W.Layout(width="12em")) for _ in tasks]
        self.check = W.Button(description="检查", button_style="primary")
        self.feedback = W.HTML()
        self.check.on_click(self._check)
        rows = [W.HBox([d, W.HTML(html.escape(t.prompt))]) for d, t in zip(self.choices, tasks)]
        self.widget = W.VBox([W.HTML(f"<h4>{html.escape(title)}</h4>"), *rows, self.check, self.feedback])

    @safe_callback("feedback")
    def _check(self, _=None) -> None:
        fb = check_placement(self.tasks, [d.value for d in self.choices], self.part)
        self.feedback.value = feedback_html(fb)
        if self.store:
            self.store.record(self.title, self.part, self.category, fb.score, fb.max_score)


class StepOrder:
    """Put the eight steps of finding risk points (000 §十) in order."""

    def __init__(self, store: ProgressStore | None = None, seed: int | None = None):
        names = [s.name for s in EIGHT_STEPS]
        random.Random(seed).shuffle(names)
        self.store = store
        self.positions = [W.Dropdown(options=names, value=None, description=f"第{i + 1}步") for i in range(len(names))]
        self.check = W.Button(description="检查顺序", button_style="primary")
        self.feedback = W.HTML()
        self.check.on_click(self._check)
        self.widget = W.VBox([W.HTML("<h4>排查风险点的八个步骤：排出顺序</h4>"), *self.positions, self.check, self.feedback])

    @safe_callback("feedback")
    def _check(self, _=None) -> None:
        fb = check_step_order([d.value for d in self.positions])
        self.feedback.value = feedback_html(fb)
        if self.store:
            self.store.record("八步排序", "eight-steps", None, fb.score, fb.max_score)


def _entry(it: Item) -> KeyEntry:
    return KeyEntry(it.id, it.type, it.points, it.key, it.options, it.scoring,
                    tuple((b.accept, b.points) for b in it.blanks), it.unordered)


class SelfCheck:
    """A few objective bank items on one topic, marked by the exam's own scoring functions."""

    def __init__(self, bank: Bank, topic: str, n: int = 5, store: ProgressStore | None = None, seed: int | None = None):
        pool = sorted((i for i in bank.items.values() if topic in i.topics and i.objective and not i.id.startswith("YM-")),
                      key=lambda i: i.id)
        self.items = random.Random(seed).sample(pool, min(n, len(pool)))
        self.topic, self.store = topic, store
        self.inputs: list[W.Widget] = []
        rows: list[W.Widget] = [W.HTML(f"<h4>自测：{html.escape(topic)}</h4>")]
        for n_, it in enumerate(self.items, start=1):
            rows.append(W.HTML(f"<b>{n_}．</b>（{it.type}）{html.escape(stem_with_blanks(it) if it.type == '填空' else it.stem)}"))
            rows.append(self._input(it))
        self.check = W.Button(description="交卷看讲解", button_style="primary")
        self.feedback = W.HTML()
        self.check.on_click(self._check)
        self.widget = W.VBox([*rows, self.check, self.feedback])

    def _input(self, it: Item) -> W.Widget:
        if it.type == "单选":
            w = W.RadioButtons(options=[(f"{k}．{t}", k) for k, t in it.options], value=None, layout=W.Layout(width="95%"))
        elif it.type == "多选":
            w = W.SelectMultiple(options=[(f"{k}．{t}", k) for k, t in it.options], rows=len(it.options), layout=W.Layout(width="95%"))
        elif it.type == "判断":
            w = W.ToggleButtons(options=("对", "错"), value=None)
        else:
            w = W.HBox([W.Text(placeholder=f"第{i}空") for i in range(1, len(it.blanks) + 1)])
        self.inputs.append(w)
        return w

    def answer_of(self, i: int) -> AnswerRead:
        w, it = self.inputs[i], self.items[i]
        if it.type == "填空":
            value = tuple(t.value for t in w.children)
            return AnswerRead("ok", value) if any(v.strip() for v in value) else AnswerRead("empty")
        value = "".join(w.value) if it.type == "多选" else w.value
        return AnswerRead("ok", value) if value else AnswerRead("empty")

    @safe_callback("feedback")
    def _check(self, _=None) -> None:
        parts = []
        for i, it in enumerate(self.items):
            r = score(_entry(it), self.answer_of(i))
            share = r.points / r.max_points if r.max_points else 0.0
            parts.append(PartFeedback(f"第{i + 1}题", r.full, round(share, 2), f"{r.detail}。解析：{it.explanation}"))
            if self.store:
                self.store.record(f"自测：{self.topic}", it.id, it.categories[0] if it.categories else None, share, 1.0)
        self.feedback.value = feedback_html(Feedback(tuple(parts)))


class ProgressView:
    """The learner's mastery by risk category: a table and a bar chart."""

    def __init__(self, store: ProgressStore):
        self.store = store
        self.table = W.HTML()
        self.chart = W.Image(format="png")
        self.refresh_button = W.Button(description="刷新")
        self.refresh_button.on_click(self.refresh)
        self.refresh()
        self.widget = W.VBox([W.HTML("<h4>我的学习进度（按风险类别）</h4>"), self.refresh_button, self.table, self.chart])

    @safe_callback("table")
    def refresh(self, _=None) -> None:
        df = self.store.by_category()
        shown = df.assign(掌握程度=df["掌握程度"].map(lambda v: "—" if v is None or v != v else f"{v:.0%}"))
        self.table.value = shown.to_html(index=False, classes="qf-progress", border=0)
        self.chart.value = _bar_png(df)


def _bar_png(df) -> bytes:
    use_chinese_font()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 2.6), dpi=100)
    values = [0 if v is None or v != v else v * 100 for v in df["掌握程度"]]
    ax.barh(df["风险类别"], values, color="#4F6D7A")
    ax.set_xlim(0, 100)
    ax.set_xlabel("掌握程度（%）")
    ax.invert_yaxis()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
