"""What happens when a learner submits an exercise, the same for every widget.

1. The widget's answer is read as a JSON-able mapping that also names what was
   asked (which items, which case), so a rebuilt widget can show it again.
2. Nothing answered: the panel asks for an answer; nothing is recorded, nothing revealed.
3. Otherwise the answer is marked (pure functions in :mod:`.exercises`), the
   feedback shown hints-first, one progress row per part recorded (tagged with
   module, topic, kind and risk category), and every wrong part becomes a
   错题本 card (:mod:`.review`).  In the 错题本 itself the card moves by the
   Leitner rule instead.
4. When the kernel starts again, the widget is rebuilt from the last answer in
   the progress file and shows the same feedback, without recording it again.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import review
from .catalog import exercise as catalog_exercise, module_of
from .exercises import Feedback
from .progress import ProgressStore
from .render import FeedbackPanel, safe_callback

__all__ = ["Part", "Attempt"]


@dataclass(frozen=True)
class Part:
    """One recorded part of a submission and the 错题本 card it becomes when wrong."""

    item: str  # what was asked (bank item id, case id, task text): internal, never shown
    category: str | None
    card: str
    spec: dict
    title: str  # what the learner reads in the 错题本


class Attempt:
    """Base for exercise widgets.  Subclasses set ``self.key`` and implement the four hooks."""

    key: str = ""
    title: str = ""
    kind: str = ""
    topic: str | None = None

    def _setup(self, key: str | None, store: ProgressStore | None, review_card: str | None = None) -> None:
        self.key, self.store, self.review_card = key or "", store, review_card
        if key:
            try:
                ex = catalog_exercise(key)
                self.kind, self.topic = self.kind or ex.kind, self.topic or ex.topic
            except KeyError:
                pass
        self.panel = FeedbackPanel()
        self.feedback = self.panel  # safe_callback writes errors here

    # hooks ------------------------------------------------------------------------------------------
    def answer(self) -> dict:
        raise NotImplementedError

    def is_empty(self, answer: dict) -> bool:
        raise NotImplementedError

    def mark(self, answer: dict) -> Feedback:
        raise NotImplementedError

    def parts(self) -> list[Part]:
        """One per feedback part, in the same order."""
        raise NotImplementedError

    def restore(self, answer: dict) -> None:
        raise NotImplementedError

    # pipeline ---------------------------------------------------------------------------------------
    def previous(self) -> dict | None:
        if self.store is None or not self.key or self.review_card:
            return None
        return self.store.last_answer(self.key)

    def show_previous(self, answer: dict) -> None:
        self.restore(answer)
        if not self.is_empty(answer):
            self.panel.show(self.mark(answer), self.feedback_title())

    def feedback_title(self) -> str:
        return ""

    @safe_callback("feedback")
    def submit(self, _=None) -> Feedback | None:
        answer = self.answer()
        if self.is_empty(answer):
            self.panel.ask()
            return None
        fb = self.mark(answer)
        self.panel.show(fb, self.feedback_title())
        if self.store is not None:
            self._record(fb, answer)
        return fb

    def _record(self, fb: Feedback, answer: dict) -> None:
        mod = module_of(self.key)
        module = mod.number if mod else None
        pairs = list(zip(fb.parts, self.parts()))
        for i, (p, part) in enumerate(pairs):
            name = f"错题本:{self.key}" if self.review_card else (self.key or self.title)  # reviews do not count as module work
            self.store.record(name, part.item, part.category, p.score, 1.0, module=module, topic=self.topic,
                              kind=("错题本" if self.review_card else self.kind),
                              answer=answer if i == 0 and not self.review_card else None)
            if not self.review_card and not p.correct:
                review.add_wrong(self.store, part.card, part.spec, part.title, module, self.topic)
        if self.review_card:  # one Leitner step for the card, right only if all its parts are right
            mine = [p.correct for p, part in pairs if part.card == self.review_card]
            if mine:
                review.answered(self.store, self.review_card, all(mine))
