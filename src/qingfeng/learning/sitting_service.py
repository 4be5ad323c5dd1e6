"""The sitting clock of a timed exam on a Hub: routes of the ``qingfeng-progress`` service.

On a Hub the candidate's Jupyter server runs as the candidate, so the start record
``.qingfeng-sitting`` and nbgrader's ``timestamp.txt`` are the candidate's own files.  This
service runs as its own account with its own clock and keeps the times the examiner trusts:

* ``POST api/sitting/start`` ``{"exam"}`` → the caller's start of that exam; the first write wins,
  a later call returns the recorded time unchanged: ``{"exam", "candidate", "started", "submitted": [...]}``;
* ``POST api/sitting/submit`` ``{"exam"}`` → records one more submission time (this service's clock);
* ``GET api/sitting?exam=`` → the caller's own record (404 if none);
* ``GET api/sittings?exam=`` → every candidate's record of that exam, examiners only (members of
  the trainers' group, ``QINGFENG_TRAINERS_GROUP``): what ``qingfeng mark`` reads on a Hub.

The candidate is ALWAYS the owner of the Hub token, never a name in the request.  Times are UTC
ISO strings with an offset.
"""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import text
from tornado import web

from ..ids import IdError, check_exam_id
from .progress_service import HubUserHandler

__all__ = ["Clock", "routes"]

_SCHEMA = """CREATE TABLE IF NOT EXISTS qingfeng_sittings (candidate TEXT NOT NULL, exam TEXT NOT NULL,
    started TEXT NOT NULL, submitted TEXT NOT NULL, PRIMARY KEY (candidate, exam))"""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _exam(value) -> str:
    try:
        return check_exam_id(value)
    except IdError as e:  # the ids module's Chinese message
        raise web.HTTPError(400, str(e)) from None


class Clock:
    """The service's start and submission times, one row per (candidate, exam)."""

    def __init__(self, store):
        self.store = store
        with store.engine.begin() as con:
            con.execute(text(_SCHEMA))

    def record(self, candidate: str, exam: str) -> dict | None:
        with self.store.engine.connect() as con:
            row = con.execute(text("SELECT started, submitted FROM qingfeng_sittings WHERE candidate = :c AND exam = :e"),
                              {"c": candidate, "e": exam}).first()
        return None if row is None else {"exam": exam, "candidate": candidate, "started": row[0], "submitted": json.loads(row[1])}

    def start(self, candidate: str, exam: str, now: dt.datetime | None = None) -> dict:
        at = (now or _now()).astimezone(dt.timezone.utc).isoformat(timespec="seconds")
        with self.store.engine.begin() as con:  # first write wins: a second start changes nothing
            con.execute(text("INSERT INTO qingfeng_sittings (candidate, exam, started, submitted) VALUES (:c, :e, :s, '[]') "
                             "ON CONFLICT DO NOTHING"), {"c": candidate, "e": exam, "s": at})
        return self.record(candidate, exam)

    def submit(self, candidate: str, exam: str, now: dt.datetime | None = None) -> dict:
        at = (now or _now()).astimezone(dt.timezone.utc).isoformat(timespec="seconds")
        with self.store.engine.begin() as con:
            row = con.execute(text("SELECT submitted FROM qingfeng_sittings WHERE candidate = :c AND exam = :e"),
                              {"c": candidate, "e": exam}).first()
            if row is None:  # handed in without a recorded start: the start is unknown, kept as the submission time
                con.execute(text("INSERT INTO qingfeng_sittings (candidate, exam, started, submitted) VALUES (:c, :e, :s, :j) "
                                 "ON CONFLICT DO NOTHING"), {"c": candidate, "e": exam, "s": at, "j": json.dumps([at])})
            else:
                con.execute(text("UPDATE qingfeng_sittings SET submitted = :j WHERE candidate = :c AND exam = :e"),
                            {"c": candidate, "e": exam, "j": json.dumps([*json.loads(row[0]), at])})
        return self.record(candidate, exam)

    def all(self, exam: str) -> list[dict]:
        with self.store.engine.connect() as con:
            rows = con.execute(text("SELECT candidate, started, submitted FROM qingfeng_sittings WHERE exam = :e ORDER BY candidate"),
                               {"e": exam}).all()
        return [{"exam": exam, "candidate": c, "started": s, "submitted": json.loads(j)} for c, s, j in rows]


class SittingHandler(HubUserHandler):
    def get(self):
        rec = self.clock.record(self.user_model["name"], _exam(self.get_argument("exam", "")))
        if rec is None:
            raise web.HTTPError(404, "进度服务中还没有你这场考试的开考记录")
        self.finish(rec)


class StartHandler(HubUserHandler):
    def post(self):
        self.finish(self.clock.start(self.user_model["name"], _exam(self.body().get("exam"))))


class SubmitHandler(HubUserHandler):
    def post(self):
        self.finish(self.clock.submit(self.user_model["name"], _exam(self.body().get("exam"))))


class AllSittingsHandler(HubUserHandler):
    async def get(self):
        if not await self.is_trainer():
            raise web.HTTPError(403, f"只有考官（{self.group} 组）可以读取全部考生的开考和交卷时间")
        exam = _exam(self.get_argument("exam", ""))
        self.finish({"exam": exam, "sittings": self.clock.all(exam)})


def routes(args: dict) -> list[tuple]:
    kw = {**args, "clock": Clock(args["store"])}
    return [("api/sitting", SittingHandler, kw), ("api/sitting/start", StartHandler, kw),
            ("api/sitting/submit", SubmitHandler, kw), ("api/sittings", AllSittingsHandler, kw)]
