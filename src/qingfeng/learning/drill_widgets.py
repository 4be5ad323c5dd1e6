"""Practice widgets: place items in buckets, order the eight steps, a self-check from the bank, progress.

The self-check marks with :mod:`qingfeng.exam.scoring` — the exam's own
engine — so a learner's practice is judged exactly like the real paper.
Submitting, recording, the 错题本 and restoring are shared (:mod:`.attempts`).
"""
from __future__ import annotations

import html
import io
import random
from typing import Callable

import ipywidgets as W

from ..bank import Bank, Item
from ..chart_fonts import use_chinese_font
from ..exam.answers import AnswerRead
from ..exam.paper import stem_with_blanks
from ..exam.scoring import KeyEntry, score
from ..risk import EIGHT_STEPS
from .attempts import Attempt, Part
from .citations import plain
from .exercises import Feedback, PartFeedback, PlacementTask, check_placement, check_step_order
from .progress import ProgressStore
from .render import safe_callback
from .sortable import SortableList

__all__ = ["Placement", "StepOrder", "SelfCheck", "ProgressView", "bank_key_text", "self_check_pool", "mark_items"]
WIDE = W.Layout(width="95%")


class Placement(Attempt):
    """Put each item into its bucket (PDCA phase, execution stage, risk category, level, warning …)."""

    kind = "归类"

    def __init__(self, title: str, pool: list[PlacementTask], buckets: tuple[str, ...], part: str = "归类",
                 store: ProgressStore | None = None, key: str | None = None, n: int = 6, seed: int | None = None,
                 describe: dict[str, str] | None = None, category_of: Callable[[PlacementTask], str | None] | None = None,
                 tasks: list[PlacementTask] | None = None, review_card: str | None = None):
        self._setup(key, store, review_card)
        self.title, self.part, self.describe = title, part, describe or {}
        self.category_of = category_of or (lambda t: None)
        prev = self.previous()
        by_prompt = {t.prompt: t for t in pool}
        restored = tasks is None and bool(prev and prev.get("tasks") and all(p in by_prompt for p in prev["tasks"]))
        if restored:
            tasks = [by_prompt[p] for p in prev["tasks"]]
        self.tasks = tasks if tasks is not None else random.Random(seed).sample(pool, min(n, len(pool)))
        self.choices = [W.Dropdown(options=buckets, value=None, layout=W.Layout(width="11em", flex="0 0 auto"))
                        for _ in self.tasks]
        self.check = W.Button(description="提交", button_style="primary")
        self.check.on_click(self.submit)
        rows = [W.HBox([d, W.HTML(html.escape(t.prompt), layout=W.Layout(flex="1 1 auto"))]) for d, t in zip(self.choices, self.tasks)]
        self.widget = W.VBox([W.HTML(f"<h4>{html.escape(title)}</h4>"), *rows, self.check, self.panel.widget],
                             layout=W.Layout(max_width="1100px"))
        if restored:
            self.show_previous(prev)

    def answer(self) -> dict:
        return {"tasks": [t.prompt for t in self.tasks], "chosen": [d.value for d in self.choices]}

    def is_empty(self, answer: dict) -> bool:
        return not any(answer.get("chosen") or [])

    def restore(self, answer: dict) -> None:
        for d, v in zip(self.choices, answer.get("chosen", [])):
            d.value = v if v in d.options else None

    def mark(self, answer: dict) -> Feedback:
        return check_placement(self.tasks, answer["chosen"], self.part, self.describe)

    def parts(self) -> list[Part]:
        return [Part(t.prompt, self.category_of(t), f"place:{self.key}:{t.prompt}",
                     {"kind": "place", "exercise": self.key, "prompt": t.prompt}, f"{self.title}：{t.prompt}")
                for t in self.tasks]


class StepOrder(Attempt):
    """Put the eight steps of finding risk points (000 §十) in order, by dragging (or the ↑/↓ buttons)."""

    kind = "排序"

    def __init__(self, store: ProgressStore | None = None, seed: int | None = None, key: str | None = "m05.steps",
                 review_card: str | None = None):
        self._setup(key, store, review_card)
        self.title = "排查风险点的八个步骤：排出顺序"
        names = [s.name for s in EIGHT_STEPS]
        random.Random(seed).shuffle(names)
        prev = self.previous()
        restored = bool(prev and sorted(prev.get("order") or []) == sorted(names))
        self.order = SortableList(items=prev["order"] if restored else names)
        self.check = W.Button(description="提交", button_style="primary")
        self.check.on_click(self.submit)
        hint = W.HTML("把下面的八个步骤拖成正确的先后顺序（也可以点每一步右边的 ↑ ↓ 移动），然后点“提交”。")
        self.widget = W.VBox([W.HTML(f"<h4>{self.title}</h4>"), hint, self.order, self.check, self.panel.widget])
        if restored:
            self.order.touched = True
            self.show_previous(prev)

    def answer(self) -> dict:
        return {"order": list(self.order.items), "touched": bool(self.order.touched)}

    def is_empty(self, answer: dict) -> bool:
        return not answer.get("touched")

    def restore(self, answer: dict) -> None:
        if sorted(answer.get("order") or []) == sorted(self.order.items):
            self.order.items = list(answer["order"])

    def mark(self, answer: dict) -> Feedback:
        return check_step_order(answer["order"])

    def parts(self) -> list[Part]:
        return [Part(f"第{s.number}步", None, "steps", {"kind": "steps"}, self.title) for s in EIGHT_STEPS]


def _entry(it: Item) -> KeyEntry:
    return KeyEntry(it.id, it.type, it.points, it.key, it.options, it.scoring,
                    tuple((b.accept, b.points) for b in it.blanks), it.unordered, it.accept_also)


def bank_key_text(it: Item) -> str:
    """The reference answer of an objective item, as a learner reads it."""
    if it.type == "填空":
        return "；".join(f"第{i}空：{b.accept[0]}" for i, b in enumerate(it.blanks, start=1))
    if it.type == "判断":
        return it.key[0] if it.key else ""
    opts = it.option_map
    return "；".join(f"{k}．{plain(opts.get(k, ''))}" for k in it.key)


def self_check_pool(bank: Bank, topic: str, exclude: set[str] = frozenset()) -> list[Item]:
    """What a self-check on ``topic`` draws from: objective items, not the sample paper's ``YM-`` ones."""
    return sorted((i for i in bank.items.values() if topic in i.topics and i.objective
                   and not i.id.startswith("YM-") and i.id not in exclude), key=lambda i: i.id)


def _read(it: Item, v) -> AnswerRead:
    if not v or (isinstance(v, list) and not any(str(x).strip() for x in v)):
        return AnswerRead("empty")
    if it.type == "填空":
        return AnswerRead("ok", tuple(str(x) for x in (v if isinstance(v, list) else [v])))
    return AnswerRead("ok", "".join(str(x) for x in v) if isinstance(v, list) else str(v))


def mark_items(items: list[Item], values: list) -> Feedback:
    """Mark a self-check's answers (one per item, as the widget reads them): a hint, then key and explanation."""
    parts = []
    for i, (it, v) in enumerate(zip(items, values)):
        r = score(_entry(it), _read(it, v))
        share = r.points / r.max_points if r.max_points else 0.0
        where = "、".join(it.sources)
        hint = ("这道题还没有作答。" if r.status == "empty" else f"{r.detail}。") + \
            (f"依据在 {where}，回到讲解中相应的段落再读一遍，然后修改答案再交。" if where else "")
        parts.append(PartFeedback(f"第{i + 1}题", r.full, round(share, 2),
                                  plain(f"{r.detail}。参考答案：{bank_key_text(it)}。解析：{it.explanation}"), hint))
    return Feedback(tuple(parts))


class SelfCheck(Attempt):
    """A few objective bank items on one topic, marked by the exam's own scoring functions.

    ``marker`` (on a Hub): marks somewhere else — the kernel then holds the items without their keys.
    """

    kind = "自测"

    def __init__(self, bank: Bank, topic: str, n: int = 5, store: ProgressStore | None = None, seed: int | None = None,
                 key: str | None = None, items: list[Item] | None = None, exclude: set[str] = frozenset(),
                 review_card: str | None = None, title: str | None = None,
                 marker: Callable[[dict], Feedback] | None = None):
        self._setup(key, store, review_card)
        self.topic, self.bank, self.marker = topic, bank, marker
        self.title = title or f"自测：{topic}"
        prev = self.previous()
        restored = items is None and bool(prev and prev.get("items") and all(i in bank.items for i in prev["items"]))
        if restored:
            items = [bank.items[i] for i in prev["items"]]
        if items is None:
            pool = self_check_pool(bank, topic, exclude)
            items = random.Random(seed).sample(pool, min(n, len(pool)))
        self.items = items
        self.inputs: list[W.Widget] = []
        rows: list[W.Widget] = [W.HTML(f"<h4>{html.escape(self.title)}</h4>")]
        for n_, it in enumerate(self.items, start=1):
            rows.append(W.HTML(f"<b>{n_}．</b>（{it.type}）{html.escape(plain(stem_with_blanks(it) if it.type == '填空' else it.stem))}"))
            rows.append(self._input(it))
        self.check = W.Button(description="交卷看讲解", button_style="primary")
        self.check.on_click(self.submit)
        self.widget = W.VBox([*rows, self.check, self.panel.widget], layout=W.Layout(max_width="1100px"))
        if restored:
            self.show_previous(prev)

    def _input(self, it: Item) -> W.Widget:
        if it.type == "单选":
            w = W.RadioButtons(options=[(f"{k}．{plain(t)}", k) for k, t in it.options], value=None, layout=WIDE)
        elif it.type == "多选":
            w = W.SelectMultiple(options=[(f"{k}．{plain(t)}", k) for k, t in it.options], rows=len(it.options), layout=WIDE)
        elif it.type == "判断":
            w = W.ToggleButtons(options=("对", "错"), value=None)
        else:
            w = W.HBox([W.Text(placeholder=f"第{i}空") for i in range(1, len(it.blanks) + 1)])
        self.inputs.append(w)
        return w

    def _value(self, i: int):
        w, it = self.inputs[i], self.items[i]
        if it.type == "填空":
            return [t.value for t in w.children]
        if it.type == "多选":
            return list(w.value)
        return w.value

    def answer(self) -> dict:
        return {"items": [it.id for it in self.items], "answers": [self._value(i) for i in range(len(self.items))]}

    @staticmethod
    def _blank(v) -> bool:
        return not v or (isinstance(v, list) and not any(str(x).strip() for x in v))

    def is_empty(self, answer: dict) -> bool:
        return all(self._blank(v) for v in answer.get("answers", []))

    def restore(self, answer: dict) -> None:
        for i, v in enumerate(answer.get("answers", [])[:len(self.items)]):
            w, it = self.inputs[i], self.items[i]
            if it.type == "填空":
                for t, x in zip(w.children, v or []):
                    t.value = x or ""
            elif it.type == "多选":
                w.value = tuple(x for x in (v or []) if x in w._options_values)
            else:
                w.value = v if v in w._options_values else None

    def mark(self, answer: dict) -> Feedback:
        return self.marker(answer) if self.marker else mark_items(self.items, answer["answers"])

    def parts(self) -> list[Part]:
        return [Part(it.id, it.categories[0] if it.categories else None, f"bank:{it.id}", {"kind": "bank", "item": it.id},
                     it.stem[:60]) for it in self.items]


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
