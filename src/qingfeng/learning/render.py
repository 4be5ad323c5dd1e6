"""Feedback as HTML for the widgets: hints first, the answer and its reason on request.

After a submission every part is marked ✔ / ◐ / ✘.  A right part shows its
explanation at once; a wrong part shows only a hint, and the button
“看答案和依据” then shows the answer with the reason in the seeds' words.
An empty submission only asks for an answer.
"""
from __future__ import annotations

import html
import logging
from functools import wraps

import ipywidgets as W

from .exercises import Feedback

__all__ = ["feedback_html", "safe_callback", "error_html", "FeedbackPanel", "ASK"]
log = logging.getLogger(__name__)
ASK = "还没有作答：请先选择或填写答案，再点提交。"
DEFAULT_HINT = "再想一想：回到本单元相应的讲解再读一遍，然后修改答案再提交。"


def _mark(p) -> tuple[str, str]:
    if p.correct:
        return "✔", "#1b7f3b"
    return ("◐", "#b26b00") if p.score > 0 else ("✘", "#b22222")


def feedback_html(fb: Feedback, title: str = "", reveal: bool = True) -> str:
    """Every part with its mark; wrong parts show the hint, or (``reveal``) the answer and its reason."""
    rows = []
    for p in fb.parts:
        mark, colour = _mark(p)
        text = p.message if (p.correct or reveal) else ("提示：" + (p.hint or DEFAULT_HINT))
        rows.append(f'<div class="qf-part" style="margin:4px 0"><b style="color:{colour}">{mark} {html.escape(p.part)}</b>：'
                    f"{html.escape(text)}</div>")
    head = f"<div><b>{html.escape(title)}</b></div>" if title else ""
    score = f'<div class="qf-score" style="margin-top:6px"><b>得分：{fb.score:g} / {fb.max_score:g}</b></div>'
    footer = f"<div style=\"color:#555\">{html.escape(fb.footer)}</div>" if fb.footer and reveal else ""
    return f'<div class="qf-feedback">{head}{"".join(rows)}{footer}{score}</div>'


def error_html(message: str) -> str:
    return f'<div class="qf-feedback" style="color:#b22222">{html.escape(message)}</div>'


def ask_html(message: str = ASK) -> str:
    return f'<div class="qf-feedback qf-ask" style="color:#8a5a00">{html.escape(message)}</div>'


class FeedbackPanel:
    """The feedback area under an exercise: hints first, then the answer on request."""

    def __init__(self):
        self.html = W.HTML()
        self.reveal = W.Button(description="看答案和依据", icon="eye", layout=W.Layout(display="none"))
        self.reveal.on_click(self._reveal)
        self.widget = W.VBox([self.html, self.reveal])
        self.feedback: Feedback | None = None
        self.title = ""

    def show(self, fb: Feedback, title: str = "") -> None:
        self.feedback, self.title = fb, title
        wrong = any(not p.correct for p in fb.parts)
        self.html.value = feedback_html(fb, title, reveal=not wrong)
        self.reveal.layout.display = "" if wrong else "none"

    def ask(self, message: str = ASK) -> None:
        self.feedback = None
        self.html.value = ask_html(message)
        self.reveal.layout.display = "none"

    def clear(self) -> None:
        self.feedback = None
        self.html.value = ""
        self.reveal.layout.display = "none"

    def _reveal(self, _=None) -> None:
        if self.feedback is not None:
            self.html.value = feedback_html(self.feedback, self.title, reveal=True)
            self.reveal.layout.display = "none"

    @property
    def value(self) -> str:  # so safe_callback can write an error here
        return self.html.value

    @value.setter
    def value(self, v: str) -> None:
        self.html.value = v


def safe_callback(target_attr: str, lead: str = "出错了，请换一个选择再试"):
    """Wrap a widget callback so that no input can raise: errors become a Chinese message in the panel."""
    def deco(fn):
        @wraps(fn)
        def wrapper(self, *args, **kwargs):
            try:
                return fn(self, *args, **kwargs)
            except Exception as e:  # a widget must never raise on any input
                log.exception("widget callback failed")
                getattr(self, target_attr).value = error_html(f"{lead}：{e}")
        return wrapper
    return deco
