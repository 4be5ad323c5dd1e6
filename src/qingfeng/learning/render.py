"""Feedback as HTML for the widgets (escaped, one line per part, ✔/✘ marks)."""
from __future__ import annotations

import html
import logging
from functools import wraps

from .exercises import Feedback

__all__ = ["feedback_html", "safe_callback", "error_html"]
log = logging.getLogger(__name__)


def feedback_html(fb: Feedback, title: str = "") -> str:
    rows = []
    for p in fb.parts:
        mark = "✔" if p.correct else ("◐" if p.score > 0 else "✘")
        colour = "#1b7f3b" if p.correct else ("#b26b00" if p.score > 0 else "#b22222")
        rows.append(f'<div class="qf-part" style="margin:4px 0"><b style="color:{colour}">{mark} {html.escape(p.part)}</b>：'
                    f"{html.escape(p.message)}</div>")
    head = f"<div><b>{html.escape(title)}</b></div>" if title else ""
    score = f'<div class="qf-score" style="margin-top:6px"><b>得分：{fb.score:g} / {fb.max_score:g}</b></div>'
    footer = f"<div style=\"color:#555\">{html.escape(fb.footer)}</div>" if fb.footer else ""
    return f'<div class="qf-feedback">{head}{"".join(rows)}{footer}{score}</div>'


def error_html(message: str) -> str:
    return f'<div class="qf-feedback" style="color:#b22222">{html.escape(message)}</div>'


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
