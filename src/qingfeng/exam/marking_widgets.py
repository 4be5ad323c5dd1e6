"""The marking notebook's widgets: one question, every candidate, rubric points as checkboxes.

``marking_panel("2026-q4")`` shows a question chooser; for the chosen
question, the stem and rubric, then per candidate the answer, one checkbox
per rubric point (ticking adds its points to the score box), the suggestion
with the key terms found and missing, a button that ticks the boxes the
suggestion would, a comment box and the state.  Nothing is written until
the marker presses 保存本题评分; then every score the marker set for this
question is written in one transaction, or none (the error says which).
"""
from __future__ import annotations

import html

import ipywidgets as w

from ..project import find_project
from .essay_marking import EssayAnswer, MarkingSession, Question

__all__ = ["marking_panel", "AnswerRow", "QuestionPage"]


class AnswerRow:
    """One candidate's answer to the question, with the marker's controls."""

    def __init__(self, q: Question, a: EssayAnswer):
        self.answer = a
        self.touched = False
        self.boxes = [w.Checkbox(value=False, description=f"要点{n}（{r.points:g}分）：{r.point}", indent=False,
                                 layout=w.Layout(width="100%"))
                      for n, r in enumerate(q.item.rubric, start=1)]
        self.score = w.BoundedFloatText(value=a.score or 0.0, min=0, max=q.item.points, step=0.5, description="得分",
                                        layout=w.Layout(width="160px"))
        self.comment = w.Text(value=a.comment, placeholder="给考生的评语（可不填）", layout=w.Layout(width="60%"))
        self.state = w.HTML(self._state_text())
        self.apply = w.Button(description=f"按建议勾选（{a.suggestion.score:g} 分）", layout=w.Layout(width="auto"))
        self._points = [r.points for r in q.item.rubric]
        self._updating = False
        for box in self.boxes:
            box.observe(self._on_tick, names="value")
        self.score.observe(self._on_score, names="value")
        self.comment.observe(lambda _change: self._touch(), names="value")
        self.apply.on_click(lambda _b: self.tick_suggestion())
        who = f"{a.student}{f'（{a.variant} 卷）' if a.variant else ''}"
        text = html.escape(a.text) if a.text else "<i>（未作答）</i>"
        hint = html.escape(a.suggestion.explain()).replace("\n", "<br>")
        self.widget = w.VBox([
            w.HTML(f"<b>{html.escape(who)}</b>"),
            w.HTML(f"<div style='white-space:pre-wrap;border-left:3px solid #ccc;padding-left:8px'>{text}</div>"),
            *self.boxes,
            w.HTML(f"<small style='color:#666'>评分建议（仅供参考，不会自动记分）：{a.suggestion.score:g} 分<br>{hint}</small>"),
            w.HBox([self.apply, self.score, self.state]), self.comment,
        ], layout=w.Layout(border="1px solid #ddd", padding="6px", margin="4px 0"))

    def _state_text(self) -> str:
        if self.touched:
            return "<span style='color:#b36b00'>未保存</span>"
        if self.answer.score is None:
            return "<span style='color:#999'>未评</span>"
        return f"<span style='color:#2a7'>已记 {self.answer.score:g} 分</span>"

    def _touch(self) -> None:
        self.touched = True
        self.state.value = self._state_text()

    def _on_tick(self, _change) -> None:
        if self._updating:
            return
        self._updating = True
        self.score.value = sum(p for box, p in zip(self.boxes, self._points) if box.value)
        self._updating = False
        self._touch()

    def _on_score(self, _change) -> None:
        if not self._updating:
            self._touch()

    def tick_suggestion(self) -> None:
        """Tick the points the suggestion counts as met, and put its score in the box (still unsaved)."""
        self._updating = True
        for box, p in zip(self.boxes, self.answer.suggestion.points):
            box.value = p.credit > 0
        self.score.value = self.answer.suggestion.score
        self._updating = False
        self._touch()

    def saved(self) -> None:
        self.touched = False
        self.state.value = self._state_text()


class QuestionPage:
    def __init__(self, session: MarkingSession, q: Question):
        self.session, self.question = session, q
        self.rows = [AnswerRow(q, a) for a in q.answers]
        self.save = w.Button(description="保存本题评分", button_style="primary")
        self.message = w.HTML()
        self.save.on_click(lambda _b: self.commit())
        self.head = w.HTML(self._head())
        self.widget = w.VBox([self.head, *[r.widget for r in self.rows], w.HBox([self.save, self.message])])

    def _head(self) -> str:
        q = self.question
        rubric = "".join(f"<li>{html.escape(r.point)}（{r.points:g} 分）</li>" for r in q.item.rubric)
        return (f"<h3>{html.escape(q.title)}</h3><p>{html.escape(q.item.stem)}</p><b>评分要点</b><ol>{rubric}</ol>"
                f"<p>{len(q.answers)} 份作答，{q.unmarked} 份未评。</p>")

    def commit(self) -> int:
        marks = {r.answer.student: (r.score.value, r.comment.value.strip()) for r in self.rows if r.touched}
        if not marks:
            self.message.value = "没有改动需要保存。"
            return 0
        written, errors = self.session.save(self.question.item.id, marks)
        if errors:
            self.message.value = "<span style='color:#c00'>未保存：" + "；".join(html.escape(str(e)) for e in errors) + "</span>"
            return 0
        for r in self.rows:
            if r.touched:
                r.saved()
        self.message.value = f"已保存 {written} 份的得分。"
        self.head.value = self._head()
        return written


def marking_panel(exam_id: str, root: str | None = None) -> w.VBox:
    """The whole marking page for ``exam_id`` (call it as the last line of a notebook cell)."""
    session = MarkingSession(find_project(root), exam_id)
    if not session.questions:
        return w.VBox([w.HTML(f"试卷 {html.escape(exam_id)} 没有需要人工评分的简答、论述题。")])
    pick = w.Dropdown(options=[(f"{q.title}（未评 {q.unmarked}）", q.item.id) for q in session.questions], description="题目",
                      layout=w.Layout(width="90%"))
    holder = w.VBox()
    panel = w.VBox([pick, holder])
    panel.pages = {}  # item id -> QuestionPage, kept so unsaved ticks survive switching questions

    def show(item_id: str) -> None:
        if item_id not in panel.pages:
            panel.pages[item_id] = QuestionPage(session, session.question(item_id))
        holder.children = [panel.pages[item_id].widget]

    pick.observe(lambda change: show(change["new"]), names="value")
    show(pick.value)
    panel.session = session
    return panel
