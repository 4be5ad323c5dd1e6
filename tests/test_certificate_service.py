"""The progress service's 结业测验 and 结业证书 desk, without a Hub: what it hands out, marks, signs and refuses.
(Through a real Hub, from learners' and trainers' kernels: tests/test_hub_learning.py.)"""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from tornado import web

from qingfeng.learning.catalog import MODULES
from qingfeng.learning.certificate_service import Desk
from qingfeng.learning.progress_service import Store

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def desk(tmp_path, monkeypatch):
    monkeypatch.setenv("QINGFENG_CERT_KEY_FILE", str(tmp_path / "service" / "certificate.key"))
    monkeypatch.delenv("QINGFENG_CERT_KEY", raising=False)
    return Desk(Store(f"sqlite:///{tmp_path / 'progress.sqlite'}"), REPO)


def right_answers(desk, paper):
    out = []
    for d in paper["items"]:
        it = desk.bank.items[d["id"]]
        out.append([b.accept[0] for b in it.blanks] if it.type == "填空" else list(it.key) if it.type == "多选" else it.key[0])
    return out


def complete_modules(desk, learner):
    rows = [{"id": f"{learner}-{e.key}", "exercise": e.key, "item": "练习", "category": None, "score": 1.0,
             "max_score": 1.0, "at": "2026-12-01T10:00:00", "extra": None} for m in MODULES for e in m.exercises]
    desk.store.add(learner, rows)


def test_the_paper_carries_no_key_and_is_marked_once_against_the_bank(desk):
    from qingfeng.exam.paper import stem_with_blanks

    paper = desk.paper("alice")
    assert len(paper["items"]) == 18
    assert all(set(d) == {"id", "type", "stem", "options", "blanks", "points"} for d in paper["items"])
    for d in paper["items"]:   # nothing of the key: options are the printed ones, blanks only counted
        it = desk.bank.items[d["id"]]
        # the stem as the printed paper shows it (a blank's answer word may also occur in a stem, 思想道德…{1},
        # so compare with the paper's own rendering), blanks only counted, and no explanation anywhere
        assert d["stem"] == (stem_with_blanks(it) if it.type == "填空" else it.stem) and it.explanation not in str(d)
        assert d["blanks"] == len(it.blanks)
    wrong = desk.hand_in("alice", paper["paper"], [None] * 18)
    assert wrong["score"] == 0 and wrong["passed"] is False
    with pytest.raises(web.HTTPError) as e:
        desk.hand_in("alice", paper["paper"], right_answers(desk, paper))
    assert e.value.status_code == 409                     # a paper is handed in once
    with pytest.raises(web.HTTPError) as e:
        desk.hand_in("bob", paper["paper"], [None] * 18)   # alice's paper is not bob's
    assert e.value.status_code == 404
    again = desk.paper("alice")
    with pytest.raises(web.HTTPError) as e:
        desk.hand_in("alice", again["paper"], [None] * 3)
    assert e.value.status_code == 400
    assert desk.hand_in("alice", again["paper"], right_answers(desk, again))["percent"] == 100.0


def test_no_certificate_without_a_pass_and_every_module_and_a_changed_record_does_not_verify(desk):
    with pytest.raises(web.HTTPError) as e:
        desk.issue("alice", "张三", "交通局")
    assert e.value.status_code == 403 and "还没有通过结业测验" in e.value.log_message
    paper = desk.paper("alice")
    desk.hand_in("alice", paper["paper"], right_answers(desk, paper))
    with pytest.raises(web.HTTPError) as e:
        desk.issue("alice", "张三", "交通局")
    assert "还有单元没有完成" in e.value.log_message and "还没有通过" not in e.value.log_message
    complete_modules(desk, "alice")
    cert = desk.issue("alice", "张三", "交通局")
    assert cert.learner == "alice" and cert.score == 100.0 and cert.hours == sum(m.hours for m in MODULES)
    assert desk.verify(cert.id)[0] and desk.verify(cert.id.lower())[0]
    assert not desk.verify(cert.id[:-1] + ("0" if cert.id[-1] != "0" else "1"))[0]
    with desk.store.engine.begin() as con:                 # someone edits the record: the signature no longer matches
        con.execute(text("UPDATE qingfeng_certificates SET name = '李四' WHERE id = :id"), {"id": cert.id})
    ok, message, _ = desk.verify(cert.id)
    assert not ok and "与签名不符" in message
    # bob completed everything but never passed: no certificate
    complete_modules(desk, "bob")
    with pytest.raises(web.HTTPError):
        desk.issue("bob", "王五", "教育局")
