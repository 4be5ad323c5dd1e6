"""错题本: what a learner got wrong comes back for review, spaced over days (Leitner boxes).

The rule, stated once:

* Anything answered wrongly (in a module, the final test excluded) goes into box 1 and is due at once.
* Answered correctly in the 错题本, a card moves up one box and is due again after
  ``INTERVAL_DAYS[new box]`` days: box 2 after 1 day, box 3 after 3 days, box 4 after 7 days,
  box 5 after 14 days.  Answered correctly in box 5 it is 已掌握 and leaves the 错题本.
* Answered wrongly in the 错题本, a card goes back to box 1 and is due the next day (so the answer
  just shown is not simply repeated from memory).
* Getting an item wrong again in a module while it is in the 错题本 also sends it back to box 1, due at once.

A card is one thing that can be re-asked: a bank item, one placement task, the eight-step order,
or one real case.  Its ``spec`` (JSON) is enough to rebuild the question.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from .progress import ProgressStore

__all__ = ["INTERVAL_DAYS", "MASTERED", "Card", "add_wrong", "answered", "due_cards", "all_cards"]

INTERVAL_DAYS = {2: 1, 3: 3, 4: 7, 5: 14}
MASTERED = 6  # box after a correct answer in box 5: no longer due
WRONG_IN_REVIEW_DAYS = 1


@dataclass(frozen=True)
class Card:
    card: str
    module: str | None
    topic: str | None
    title: str
    spec: dict
    box: int
    due: dt.datetime | None


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat(timespec="seconds") if t else None


def add_wrong(store: ProgressStore, card: str, spec: dict, title: str, module: str | None, topic: str | None) -> None:
    """A wrong answer outside the review: into box 1, due now."""
    now = store.clock()
    store.execute("INSERT INTO review VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT(learner, card) DO UPDATE SET"
                  " box = 1, due = excluded.due, last_at = excluded.last_at, spec = excluded.spec, title = excluded.title",
                  (store.learner, card, module, topic, title, json.dumps(spec, ensure_ascii=False), _iso(now), _iso(now)))


def answered(store: ProgressStore, card: str, correct: bool) -> int | None:
    """A review answer: move the card by the Leitner rule; returns its new box (None if it was not a card)."""
    rows = store.query("SELECT box FROM review WHERE learner = ? AND card = ?", (store.learner, card))
    if not rows:
        return None
    now = store.clock()
    if correct:
        box = rows[0][0] + 1
        due = now + dt.timedelta(days=INTERVAL_DAYS[box]) if box in INTERVAL_DAYS else None
    else:
        box, due = 1, now + dt.timedelta(days=WRONG_IN_REVIEW_DAYS)
    store.execute("UPDATE review SET box = ?, due = ?, last_at = ? WHERE learner = ? AND card = ?",
                  (box, _iso(due), _iso(now), store.learner, card))
    return box


def _card(row: tuple) -> Card:
    card, module, topic, title, spec, box, due = row
    return Card(card, module, topic, title, json.loads(spec), box, dt.datetime.fromisoformat(due) if due else None)


def all_cards(store: ProgressStore) -> list[Card]:
    rows = store.query("SELECT card, module, topic, title, spec, box, due FROM review WHERE learner = ? ORDER BY module, card",
                       (store.learner,))
    return [_card(r) for r in rows]


def due_cards(store: ProgressStore, limit: int | None = None) -> list[Card]:
    """Cards due now (earliest first), not yet mastered."""
    now = store.clock()
    due = [c for c in all_cards(store) if c.box < MASTERED and c.due is not None and c.due <= now]
    due.sort(key=lambda c: (c.due, c.card))
    return due[:limit] if limit else due
