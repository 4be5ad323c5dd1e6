"""The course around the modules: 课程首页, each module's opening and closing lines, and the 错题本.

Links between notebooks are static markdown in the notebooks (they work
before anything runs); what depends on the learner — completion, time, what
is due for review — is drawn here from the progress file.
"""
from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

import ipywidgets as W
from IPython.display import HTML

from . import review
from .catalog import FINAL_TEST, MODULES, REVIEW, module, total_hours
from .progress import ProgressStore

__all__ = ["home_table", "module_start", "module_end", "review_panel", "original_copy_warning"]


def _link(file: str, text: str) -> str:
    return f"<a href='{quote(file)}'>{html.escape(text)}</a>"


def _minutes(m: float) -> str:
    return "—" if not m else (f"{m:.0f} 分钟" if m < 60 else f"{m / 60:.1f} 小时")


def original_copy_warning(cwd: Path | None = None) -> str:
    """A learner who opened the course originals (not their own copy) is told where their copy is."""
    here = Path(cwd or Path.cwd()).resolve()
    if (here.parent / "qingfeng.toml").is_file() and here.name == "courses":
        return ("<div style='border:2px solid #b26b00;padding:6px;margin:6px 0'><b>这是课程原件，不是你的学习副本。</b>"
                "请从左侧文件栏的“我的课程”文件夹打开课程（启动课程或每次登录时自动准备），你的作答和进度都保存在那里。</div>")
    return ""


def home_table(store: ProgressStore) -> HTML:
    df = store.completion().set_index("单元")
    rows = []
    for m in MODULES:
        r = df.loc[m.number]
        state = "✔ 已完成" if r["完成"] else (f"{r['已完成练习']}/{r['练习数']} 项练习" if r["已完成练习"] else "未开始")
        cells = [_link(m.file, m.label), html.escape(m.teaches), f"{m.hours:g}", html.escape(state), _minutes(r["用时（分钟）"])]
        rows.append("<tr>" + "".join(f"<td style='text-align:left'>{c}</td>" for c in cells) + "</tr>")
    done = int(df["完成"].sum())
    due = len(review.due_cards(store))
    head = "<tr>" + "".join(f"<th style='text-align:left'>{h}</th>" for h in ("单元", "学习内容", "预计学时", "我的完成情况", "学习用时")) + "</tr>"
    extra = (f"<p>已完成 {done}/{len(MODULES)} 个单元，共 {total_hours():g} 学时。"
             f"{_link(REVIEW, '错题本')}：今天有 {due} 道题待复习。{_link(FINAL_TEST, '结业测验')}：全部单元完成后参加。</p>")
    return HTML(original_copy_warning() + f"<table class='qf-table qf-home'>{head}{''.join(rows)}</table>{extra}")


def module_start(number: str, store: ProgressStore) -> HTML:
    """Start (or continue) timing the module and say how far the learner is."""
    store.touch(number)
    m = module(number)
    r = store.completion().set_index("单元").loc[number]
    state = "本单元已完成，可以复习或重做练习。" if r["完成"] else f"本单元共 {r['练习数']} 项练习，已完成 {r['已完成练习']} 项。"
    return HTML(original_copy_warning() + f"<div class='qf-status' style='color:#1b5e20'>{html.escape(m.label)}：{state}"
                "你以前的作答会自动显示在各练习中。</div>")


def module_end(number: str, store: ProgressStore) -> HTML:
    m = module(number)
    r = store.completion().set_index("单元").loc[number]
    done = {e.key for e in m.exercises} & store.done_exercises()
    items = "".join(f"<li>{'✔' if e.key in done else '○'} {html.escape(e.title)}</li>" for e in m.exercises)
    state = "已完成" if r["完成"] else "尚未完成"
    return HTML(f"<div class='qf-status'><b>本单元{state}</b>（{r['已完成练习']}/{r['练习数']} 项练习，学习用时 "
                f"{_minutes(r['用时（分钟）'])}）<ul>{items}</ul>做完练习后，重新运行本单元格即可刷新。</div>")


class ReviewPanel:
    """Today's 错题本: each due card rebuilt as a one-question exercise that moves by the Leitner rule."""

    def __init__(self, store: ProgressStore, build, limit: int = 10):
        self.store = store
        cards = review.due_cards(store, limit)
        everything = review.all_cards(store)
        waiting = [c for c in everything if c.box < review.MASTERED and c not in cards]
        mastered = [c for c in everything if c.box >= review.MASTERED]
        summary = (f"<p>今天待复习 {len(cards)} 道；以后再复习 {len(waiting)} 道"
                   + (f"（最近一道在 {min(c.due for c in waiting):%m月%d日}）" if waiting else "")
                   + f"；已掌握 {len(mastered)} 道。</p>")
        parts: list[W.Widget] = [W.HTML(summary)]
        if not cards:
            parts.append(W.HTML("<p>现在没有需要复习的题目。各单元练习中答错的题目会自动进入错题本。</p>"))
        for c in cards:
            try:
                ex = build(c)
            except Exception:  # a card whose question no longer exists (item or case removed)
                continue
            parts.append(W.HTML(f"<hr><div style='color:#555'>来自{html.escape(module(c.module).label) if c.module else '练习'}"
                                f"（第 {c.box} 轮复习）</div>"))
            parts.append(ex.widget)
        self.widget = W.VBox(parts, layout=W.Layout(max_width="1100px"))


def review_panel(store: ProgressStore, build, limit: int = 10) -> ReviewPanel:
    return ReviewPanel(store, build, limit)
