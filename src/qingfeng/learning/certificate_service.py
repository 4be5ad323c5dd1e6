"""结业测验 and 结业证书 on a Hub: routes of the ``qingfeng-progress`` service.

On one machine (``make run``) the learner's kernel draws, marks and signs by itself with a key in
the learner's home: one person, nothing to forge against.  On a Hub that key would be readable by
the very person it certifies, so there the service does all three:

* ``GET api/final-test`` → a paper drawn for the caller (:func:`final_test.draw`, recorded), items
  WITHOUT keys or explanations: ``{"paper", "items": [{"id", "type", "stem", "options", "blanks"}]}``;
* ``POST api/final-test`` ``{"paper", "answers": [...]}`` (one answer per item: a letter, a list of
  letters, "对"/"错", or a list of blank texts) → marked here against the bank, recorded:
  ``{"score", "max_score", "percent", "passed", "parts": [{"full", "share", "detail"}]}``;
* ``POST api/certificate`` ``{"name", "unit"}`` → only with a passed paper AND every module's
  exercises recorded by this service (:data:`catalog.MODULES`): signed with the service's key
  (``QINGFENG_CERT_KEY_FILE``, 0600, the service account's), recorded, returned as ``{"certificate"}``;
  otherwise 403 with what is missing;
* ``GET api/certificates/<id>`` → trainers only: ``{"valid", "message", "certificate"}`` checked
  against the service's record and signature (``qingfeng progress verify ID --hub URL``).

The bank and blueprints are read from the course copy ``QINGFENG_COURSE`` (the examiners' folder,
readable by the service account, not by learners).
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import random
import secrets
from dataclasses import asdict, replace
from pathlib import Path

from sqlalchemy import text
from tornado import web

from . import certificate
from .catalog import MODULES, total_hours
from .progress_service import HubUserHandler

__all__ = ["Desk", "routes", "public_item"]

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS qingfeng_final_papers (learner TEXT NOT NULL, paper TEXT NOT NULL, items TEXT NOT NULL,
        drawn TEXT NOT NULL, score DOUBLE PRECISION, max_score DOUBLE PRECISION, passed INTEGER, marked TEXT,
        PRIMARY KEY (learner, paper))""",
    """CREATE TABLE IF NOT EXISTS qingfeng_certificates (id TEXT PRIMARY KEY, learner TEXT NOT NULL, name TEXT NOT NULL,
        unit TEXT NOT NULL, issued TEXT NOT NULL, hours DOUBLE PRECISION NOT NULL, score DOUBLE PRECISION NOT NULL,
        signature TEXT NOT NULL)""",
]


def public_item(it) -> dict:
    """What a learner may see of an item: no key, no accepted answers, no explanation."""
    from ..exam.paper import stem_with_blanks

    return {"id": it.id, "type": it.type, "stem": stem_with_blanks(it) if it.type == "填空" else it.stem,
            "options": [list(o) for o in it.options], "blanks": len(it.blanks), "points": it.points}


def _answer_read(it, v):
    from ..exam.answers import AnswerRead

    if not v or (isinstance(v, list) and not any(str(x).strip() for x in v)):
        return AnswerRead("empty")
    if it.type == "填空":
        return AnswerRead("ok", tuple(str(x) for x in (v if isinstance(v, list) else [v])))
    if it.type == "多选":
        return AnswerRead("ok", "".join(str(x) for x in (v if isinstance(v, list) else [v])))
    return AnswerRead("ok", str(v))


class Desk:
    """The service's side of the 结业测验 and 结业证书 (one per process)."""

    def __init__(self, store, course: Path):
        from ..bank import load_bank
        from ..project import Project
        from .final_test import reserved_items

        project = Project(Path(course))
        self.store, self.bank = store, load_bank(project.bank_dir)
        self.reserved = reserved_items(project.exams_dir / "blueprints")
        with store.engine.begin() as con:
            for sql in _SCHEMA:
                con.execute(text(sql))

    def _sql(self, sql: str, params: dict | None = None, write: bool = False):
        with (self.store.engine.begin() if write else self.store.engine.connect()) as con:
            result = con.execute(text(sql), params or {})
            return None if write else [tuple(r) for r in result]

    def paper(self, learner: str) -> dict:
        from .final_test import draw

        paper = secrets.token_hex(8)
        items = draw(self.bank, self.reserved, random.Random(f"{learner}-{paper}"))
        self._sql("INSERT INTO qingfeng_final_papers (learner, paper, items, drawn) VALUES (:l, :p, :i, :d)",
                  {"l": learner, "p": paper, "i": json.dumps([i.id for i in items]), "d": _now()}, write=True)
        return {"paper": paper, "items": [public_item(i) for i in items]}

    def hand_in(self, learner: str, paper: str, answers: list) -> dict:
        from ..exam.scoring import score
        from .drill_widgets import _entry
        from .final_test import PASS_MARK

        rows = self._sql("SELECT items, marked FROM qingfeng_final_papers WHERE learner = :l AND paper = :p",
                         {"l": learner, "p": paper})
        if not rows:
            raise web.HTTPError(404, "找不到这份结业测验试卷：请重新打开结业测验")
        if rows[0][1]:
            raise web.HTTPError(409, "这份试卷已经交过：请重新打开结业测验，换一套题再测")
        items = [self.bank.items[i] for i in json.loads(rows[0][0])]
        if not isinstance(answers, list) or len(answers) != len(items):
            raise web.HTTPError(400, f"答案应是 {len(items)} 项的列表，与试卷的题目一一对应")
        marks = [score(_entry(it), _answer_read(it, v)) for it, v in zip(items, answers)]
        got, out_of = sum(m.points for m in marks), sum(m.max_points for m in marks)
        percent = round(100.0 * got / out_of, 1) if out_of else 0.0
        passed = percent >= PASS_MARK
        self._sql("UPDATE qingfeng_final_papers SET score = :s, max_score = :m, passed = :ok, marked = :at"
                  " WHERE learner = :l AND paper = :p",
                  {"s": got, "m": out_of, "ok": int(passed), "at": _now(), "l": learner, "p": paper}, write=True)
        return {"score": got, "max_score": out_of, "percent": percent, "passed": passed,
                "parts": [{"full": m.full, "share": round(m.points / m.max_points, 2) if m.max_points else 0.0,
                           "detail": m.detail} for m in marks]}

    def missing_modules(self, learner: str) -> list[str]:
        done = {r["exercise"] for r in self.store.rows(learner)}
        return [m.label for m in MODULES if not all(e.key in done for e in m.exercises)]

    def best_passed(self, learner: str) -> float | None:
        rows = self._sql("SELECT score, max_score FROM qingfeng_final_papers WHERE learner = :l AND passed = 1", {"l": learner})
        return max(round(100.0 * s / m, 1) for s, m in rows) if rows else None

    def issue(self, learner: str, name: str, unit: str) -> certificate.Certificate:
        name, unit = (name or "").strip(), (unit or "").strip()
        if not name or not unit:
            raise web.HTTPError(400, "请填写姓名和单位")
        best, missing = self.best_passed(learner), self.missing_modules(learner)
        if best is None or missing:
            why = ([] if best is not None else ["还没有通过结业测验"]) + ([f"还有单元没有完成：{'、'.join(missing)}"] if missing else [])
            raise web.HTTPError(403, "；".join(why) + "。全部单元完成并通过结业测验后才能生成结业证书")
        issued = dt.date.today().isoformat()
        draft = certificate.Certificate("", learner, name, unit, issued, round(total_hours(), 1), best)
        sig = certificate.signature(draft)
        cert = replace(draft, id=f"QF-{issued.replace('-', '')}-{sig[:12].upper()}")
        self._sql("DELETE FROM qingfeng_certificates WHERE id = :id", {"id": cert.id}, write=True)
        self._sql("INSERT INTO qingfeng_certificates VALUES (:id, :learner, :name, :unit, :issued, :hours, :score, :sig)",
                  {**asdict(cert), "sig": sig}, write=True)
        return cert

    def verify(self, cert_id: str) -> tuple[bool, str, certificate.Certificate | None]:
        cert_id = cert_id.strip().upper()
        rows = self._sql("SELECT id, learner, name, unit, issued, hours, score, signature FROM qingfeng_certificates"
                         " WHERE upper(id) = :id", {"id": cert_id})
        if not rows:
            return False, f"进度服务中没有证书编号 {cert_id} 的记录。", None
        cert = certificate.Certificate(*rows[0][:7])
        good = hmac.compare_digest(certificate.signature(cert), rows[0][7]) and cert_id.endswith(rows[0][7][:12].upper())
        if not good:
            return False, f"证书编号 {cert_id} 的记录与签名不符，记录可能被改动过。", cert
        return True, (f"证书有效：{cert.name}（{cert.unit}），{cert.issued} 结业，{cert.hours:g} 学时，"
                      f"结业测验 {cert.score:g} 分。"), cert


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class FinalTestHandler(HubUserHandler):
    def get(self):
        self.finish(self.desk.paper(self.user_model["name"]))

    def post(self):
        body = self.body()
        self.finish(self.desk.hand_in(self.user_model["name"], str(body.get("paper", "")), body.get("answers")))


class CertificateHandler(HubUserHandler):
    def post(self):
        body = self.body()
        cert = self.desk.issue(self.user_model["name"], str(body.get("name", "")), str(body.get("unit", "")))
        self.finish({"certificate": asdict(cert), "modules": [m.title for m in MODULES]})


class VerifyHandler(HubUserHandler):
    async def get(self, cert_id: str):
        if not await self.is_trainer():
            raise web.HTTPError(403, f"只有培训师（{self.group} 组）可以核验证书")
        ok, message, cert = self.desk.verify(cert_id)
        self.finish({"valid": ok, "message": message, "certificate": asdict(cert) if cert else None})


def routes(args: dict) -> list[tuple]:
    """The routes, when the service knows the course copy (``QINGFENG_COURSE``); none otherwise."""
    course = os.environ.get("QINGFENG_COURSE")
    if not course:
        return []
    kw = {**args, "desk": Desk(args["store"], Path(course))}
    return [("api/final-test", FinalTestHandler, kw), ("api/certificate", CertificateHandler, kw),
            (r"api/certificates/([^/]{1,80})", VerifyHandler, kw)]
