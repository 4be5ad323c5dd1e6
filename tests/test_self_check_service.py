"""The progress service's self-check route without a Hub: the real tornado handlers on loopback
(a stand-in for HubAuth: the token names its owner), the real course widget calling them as a
learner's kernel does on a Hub.  (Through a real Hub: tests/test_hub_learning.py.)"""
from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from tornado import web

from qingfeng.bank import load_bank
from qingfeng.learning import lessons
from qingfeng.learning.progress import ProgressStore
from qingfeng.learning.progress_service import ROUTES, Store

from .browser import free_port

REPO = Path(__file__).resolve().parents[1]
PREFIX = "/services/qingfeng-progress/"


class TokenIsTheUser:
    """HubAuth's two calls the handlers make; the token ``alice`` is alice's."""

    access_scopes = {"access:services!service=qingfeng-progress"}

    async def get_user(self, handler, sync=False):
        token = handler.request.headers.get("Authorization", "").removeprefix("token ")
        return {"kind": "user", "name": token, "groups": []} if token else None

    def check_scopes(self, required, model):
        return set(required)


@pytest.fixture
def service(tmp_path, monkeypatch):
    monkeypatch.setenv("QINGFENG_COURSE", str(REPO))
    monkeypatch.setenv("QINGFENG_CERT_KEY_FILE", str(tmp_path / "service" / "certificate.key"))
    store = Store(f"sqlite:///{tmp_path / 'service.sqlite'}")
    args = {"store": store, "auth": TokenIsTheUser(), "group": "qingfeng-trainers"}
    handlers = [(PREFIX + path, h, kw) for make in ROUTES for path, h, kw in make(args)]
    port, ready, loop = free_port(), threading.Event(), asyncio.new_event_loop()

    def run():
        asyncio.set_event_loop(loop)
        server = web.Application(handlers).listen(port, address="127.0.0.1")
        loop.call_soon(ready.set)
        loop.run_forever()
        server.stop()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    yield f"http://127.0.0.1:{port}{PREFIX}", store
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def call(url, token, path, body=None):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode() if body is not None else None,
                                 method="POST" if body is not None else "GET",
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


BANK = load_bank(REPO / "exams" / "bank")


def right(item_id):
    it = BANK.items[item_id]
    return [b.accept[0] for b in it.blanks] if it.type == "填空" else list(it.key) if it.type == "多选" else it.key[0]


def test_the_draw_carries_no_key_marking_gives_hint_then_answer_and_the_service_records_it(service):
    url, store = service
    status, drawn = call(url, "alice", "api/self-check?exercise=m02.selfcheck&n=4")
    assert status == 200 and drawn["exercise"] == "m02.selfcheck" and len(drawn["items"]) == 4
    for d in drawn["items"]:
        it = BANK.items[d["id"]]
        assert "风险等级" in it.topics and set(d) == {"id", "type", "stem", "options", "blanks", "points"}
        assert it.explanation not in json.dumps(d, ensure_ascii=False)
    ids = [d["id"] for d in drawn["items"]]
    assert call(url, "alice", "api/self-check", {"check": drawn["check"], "answers": [None] * 4})[0] == 400  # nothing answered
    assert store.rows("alice") == []
    answers = [right(i) for i in ids[:3]] + [None]
    status, marked = call(url, "alice", "api/self-check", {"check": drawn["check"], "answers": answers})
    assert status == 200 and marked["score"] == 3 and marked["max_score"] == 4
    last = marked["parts"][3]
    assert not last["correct"] and last["hint"].startswith("这道题还没有作答") and "参考答案" not in last["hint"]
    assert "解析：" in last["message"] and "参考答案" in last["message"]   # shown when the learner asks
    rows = store.rows("alice")
    assert sorted(r["item"] for r in rows) == sorted(ids) and {r["exercise"] for r in rows} == {"m02.selfcheck"}
    assert sorted(r["score"] for r in rows) == [0.0, 1.0, 1.0, 1.0]
    assert json.loads(rows[0]["extra"])["marked_by"] == "qingfeng-progress"
    # bob cannot hand in alice's draw; a wrong count, an unknown self-check are refused
    assert call(url, "bob", "api/self-check", {"check": drawn["check"], "answers": answers})[0] == 404
    assert call(url, "alice", "api/self-check", {"check": drawn["check"], "answers": answers[:2]})[0] == 400
    status, body = call(url, "alice", "api/self-check?exercise=m09.selfcheck")
    assert status == 400 and "没有这个自测" in body["error"]


def test_a_kernel_cannot_post_its_own_self_check_rows(service):
    url, store = service
    forged = [{"id": "forged-0001", "exercise": "m01.selfcheck", "item": "自测", "score": 1, "max_score": 1, "at": "2026-12-01T09:00:00"},
              {"id": "real-000001", "exercise": "m01.measures", "item": "措施归类", "score": 1, "max_score": 1, "at": "2026-12-01T09:00:00"}]
    status, body = call(url, "alice", "api/results", {"results": forged})
    assert status == 200 and body["stored"] == 1 and body["ignored"] == 1
    assert [r["exercise"] for r in store.rows("alice")] == ["m01.measures"]
    status, body = call(url, "alice", "api/results", {"results": [{**forged[0], "id": "svc-00000001"}]})
    assert status == 400 and "svc-" in body["error"]


def test_the_course_widget_on_a_hub_takes_its_items_and_marks_from_the_service(service, tmp_path, monkeypatch):
    url, store = service
    monkeypatch.setenv("QINGFENG_PROGRESS_URL", url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "carol")
    local = ProgressStore(tmp_path / "carol" / "progress.sqlite", learner="carol")
    sc = lessons.self_check("五类风险", 3, store=local)
    assert len(sc.items) == 3 and all(not it.key and not it.explanation for it in sc.items)  # nothing to read the key from
    assert local.done_exercises() == set() and store.rows("carol") == []
    sc.check.click()                                       # nothing answered: asked, nothing sent or recorded
    assert "还没有作答" in sc.panel.html.value and store.rows("carol") == []
    sc.restore({"answers": [right(it.id) for it in sc.items[:2]]})   # sets the first two widgets as clicks would
    sc.check.click()
    html = sc.panel.html.value
    assert html.count("✔") == 2 and "提示：" in html and "参考答案" not in html.split("第3题")[1]   # hint first
    assert sc.panel.reveal.layout.display == ""
    sc.panel.reveal.click()
    assert "参考答案" in sc.panel.html.value.split("第3题")[1]   # the answer and its reason on request
    assert sorted(r["item"] for r in store.rows("carol")) == sorted(it.id for it in sc.items)   # recorded by the service
    assert "m01.selfcheck" in local.done_exercises()       # and in the learner's own file (its copy was not taken)
    assert {r["exercise"] for r in store.rows("carol")} == {"m01.selfcheck"}


def test_off_a_hub_the_self_check_marks_from_the_local_bank(tmp_path, monkeypatch):
    monkeypatch.delenv("QINGFENG_PROGRESS_URL", raising=False)
    local = ProgressStore(tmp_path / "progress.sqlite", learner="dan")
    sc = lessons.self_check("PDCA", 2, store=local, seed=1)
    assert sc.marker is None and all(it.explanation and (it.key or it.blanks) for it in sc.items)   # the bank itself
    fb = sc.mark({"items": [it.id for it in sc.items], "answers": [right(it.id) for it in sc.items]})
    assert fb.score == 2 and all("参考答案" in p.message for p in fb.parts)
