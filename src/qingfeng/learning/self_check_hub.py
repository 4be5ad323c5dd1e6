"""The learner's kernel taking a module's self-check (自测) through the ``qingfeng-progress`` service.

On a Hub the bank is not in the learner's reach (its keys are the 结业测验's): the kernel asks the
service for a draw without keys, sends the answers, and gets the marks, the hints and — only then —
the answers with their explanations, which the widget shows hint first as everywhere else.  The
service records the result as the learner's progress.  Routes: :mod:`.self_check_service`.
"""
from __future__ import annotations

from urllib.parse import urlencode

from ..bank import Bank
from .drill_widgets import SelfCheck
from .exercises import Feedback, PartFeedback
from .final_test_hub import _call, _item

__all__ = ["self_check", "review_item"]


def _marker(check: str):
    def mark(answer: dict) -> Feedback:
        got = _call("api/self-check", {"check": check, "answers": answer["answers"]})
        return Feedback(tuple(PartFeedback(p["part"], bool(p["correct"]), float(p["score"]), p["message"], p["hint"])
                              for p in got["parts"]))
    return mark


def self_check(topic: str, key: str, n: int, store) -> SelfCheck:
    """A module's self-check drawn and marked by the service."""
    got = _call("api/self-check?" + urlencode({"exercise": key, "n": n}))
    return SelfCheck(Bank(), topic, n, store, key=key, items=[_item(d) for d in got["items"]], marker=_marker(got["check"]))


def review_item(item_id: str, topic: str, store, card: str) -> SelfCheck:
    """One bank item again, for its 错题本 card (the review is not module work: the service records nothing)."""
    got = _call("api/self-check?" + urlencode({"item": item_id}))
    return SelfCheck(Bank(), topic, store=store, items=[_item(d) for d in got["items"]], key=None, review_card=card,
                     title="再做一次", marker=_marker(got["check"]))
