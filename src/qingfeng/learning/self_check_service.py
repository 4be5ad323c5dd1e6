"""Module self-checks (自测) on a Hub: routes of the ``qingfeng-progress`` service.

The self-checks draw objective items from the bank, whose keys are also the 结业测验's keys, so
on a Hub learners cannot read the bank and their kernels cannot mark a self-check.  The service
draws, marks and records instead, with the same rules as the local widget
(:func:`.drill_widgets.self_check_pool`, :func:`.drill_widgets.mark_items`):

* ``GET api/self-check?exercise=m01.selfcheck&n=5`` → a draw for the caller (recorded), items
  WITHOUT keys or explanations: ``{"check", "exercise", "items": [{"id", "type", "stem", "options",
  "blanks", "points"}]}``; ``GET api/self-check?item=ID`` → that one item (a 错题本 card again);
* ``POST api/self-check`` ``{"check", "answers": [...]}`` (one answer per item, as for the
  结业测验) → marked against the bank: ``{"score", "max_score", "parts": [{"part", "correct",
  "score", "hint", "message"}]}`` — the widget shows the hint first and the answer with its
  explanation (``message``) on request, only after the learner has answered.  A draw may be
  answered again (修改答案再交).  A module's draw is recorded here as the learner's progress
  (one row per item, exercise = the self-check's key): the rows a kernel posts itself for a
  self-check are ignored (:data:`SERVICE_MARKED`), so nobody completes a self-check without answering.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
from pathlib import Path

from sqlalchemy import text
from tornado import web

from .catalog import exercise as catalog_exercise, module_of
from .progress_service import SERVICE_MARKED, HubUserHandler

__all__ = ["SERVICE_MARKED", "CheckDesk", "routes"]

MAX_N = 20
_SCHEMA = """CREATE TABLE IF NOT EXISTS qingfeng_self_checks (learner TEXT NOT NULL, draw_id TEXT NOT NULL,
    exercise TEXT NOT NULL, items TEXT NOT NULL, drawn TEXT NOT NULL, PRIMARY KEY (learner, draw_id))"""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class CheckDesk:
    """The service's side of the self-checks (one per process)."""

    def __init__(self, store, course: Path):
        from ..bank import load_bank
        from ..project import Project

        self.store, self.bank = store, load_bank(Project(Path(course)).bank_dir)
        with store.engine.begin() as con:
            con.execute(text(_SCHEMA))

    def draw(self, learner: str, exercise: str = "", n: int = 5, item: str = "") -> dict:
        from .certificate_service import public_item
        from .drill_widgets import self_check_pool

        if item:   # one item again (a 错题本 card): only one a self-check could have drawn
            pools = {i.id for e in SERVICE_MARKED for i in self_check_pool(self.bank, catalog_exercise(e).topic)}
            if item not in pools:
                raise web.HTTPError(404, f"题库中没有可用于自测的题目 {item}")
            items, exercise = [self.bank.items[item]], ""
        else:
            if exercise not in SERVICE_MARKED:
                raise web.HTTPError(400, f"没有这个自测：{exercise}（应为 {'、'.join(sorted(SERVICE_MARKED))} 之一）")
            pool = self_check_pool(self.bank, catalog_exercise(exercise).topic)
            items = random.Random(secrets.token_hex(8)).sample(pool, min(max(1, min(n, MAX_N)), len(pool)))
        check = secrets.token_hex(8)
        with self.store.engine.begin() as con:
            con.execute(text('INSERT INTO qingfeng_self_checks (learner, draw_id, exercise, items, drawn) VALUES (:l, :c, :e, :i, :d)'),
                        {"l": learner, "c": check, "e": exercise, "i": json.dumps([i.id for i in items]), "d": _now()})
        return {"check": check, "exercise": exercise, "items": [public_item(i) for i in items]}

    def mark(self, learner: str, check: str, answers) -> dict:
        from .drill_widgets import mark_items

        with self.store.engine.connect() as con:
            row = con.execute(text('SELECT exercise, items FROM qingfeng_self_checks WHERE learner = :l AND draw_id = :c'),
                              {"l": learner, "c": check}).fetchone()
        if row is None:
            raise web.HTTPError(404, "找不到这次自测：请重新运行自测所在的单元格")
        exercise, items = row[0], [self.bank.items[i] for i in json.loads(row[1]) if i in self.bank.items]
        if not isinstance(answers, list) or len(answers) != len(items):
            raise web.HTTPError(400, f"答案应是 {len(items)} 项的列表，与自测的题目一一对应")
        if all(_blank(v) for v in answers):
            raise web.HTTPError(400, "还没有作答：请先作答再交卷")
        fb = mark_items(items, answers)
        if exercise:   # the learner's progress, recorded by the service itself
            mod, at, sub = module_of(exercise), _now(), secrets.token_hex(8)
            extra = json.dumps({"module": mod.number if mod else None, "topic": catalog_exercise(exercise).topic,
                                "kind": "自测", "marked_by": "qingfeng-progress"}, ensure_ascii=False)
            self.store.add(learner, [{"id": f"svc-{sub}-{n}", "exercise": exercise, "item": it.id,
                                      "category": it.categories[0] if it.categories else None, "score": p.score,
                                      "max_score": 1.0, "at": at, "extra": extra}
                                     for n, (it, p) in enumerate(zip(items, fb.parts))])
        return {"score": fb.score, "max_score": fb.max_score,
                "parts": [{"part": p.part, "correct": p.correct, "score": p.score, "hint": p.hint, "message": p.message}
                          for p in fb.parts]}


def _blank(v) -> bool:
    return not v or (isinstance(v, list) and not any(str(x).strip() for x in v))


class SelfCheckHandler(HubUserHandler):
    def get(self):
        try:
            n = int(self.get_argument("n", "5"))
        except ValueError:
            raise web.HTTPError(400, "n 应是题数（整数）") from None
        self.finish(self.checks.draw(self.user_model["name"], self.get_argument("exercise", ""), n,
                                     self.get_argument("item", "")))

    def post(self):
        body = self.body()
        self.finish(self.checks.mark(self.user_model["name"], str(body.get("check", "")), body.get("answers")))


def routes(args: dict) -> list[tuple]:
    """The route, when the service knows the course copy (``QINGFENG_COURSE``); none otherwise."""
    course = os.environ.get("QINGFENG_COURSE")
    if not course:
        return []
    return [("api/self-check", SelfCheckHandler, {**args, "checks": CheckDesk(args["store"], Path(course))})]
