"""The qingfeng-progress Hub service against a real JupyterHub (started here) and real PostgreSQL.

Users and their tokens are made through the Hub's REST API by an admin service; the tokens carry
only ``access:services!service=qingfeng-progress``, as a kernel's token would for this service.
No proxy is started (the Hub API and the service are reached directly on loopback).
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

import openpyxl
import pytest
from click.testing import CliRunner

from qingfeng.cli.main import cli
from qingfeng.learning import progress_hub
from qingfeng.learning.progress import ProgressStore
from qingfeng.learning.progress_service import SERVICE_NAME, TRAINERS_GROUP

from .browser import free_port
from .process_tree import stop_tree

pytestmark = pytest.mark.slow
ADMIN = "test-admin-token-0123456789abcdef"

HUB_CONFIG = '''
from jupyterhub.proxy import Proxy


class NoProxy(Proxy):
    """The test talks to the Hub API and the service directly."""
    should_start = False

    async def add_route(self, routespec, target, data):
        pass

    async def delete_route(self, routespec):
        pass

    async def get_all_routes(self):
        return {{}}


from qingfeng.learning.progress_service import hub_wiring

c = get_config()
progress = hub_wiring({python!r}, {service_port}, "{db_url}", "{password_file}")  # what deploy/jupyterhub_config.py uses
c.JupyterHub.proxy_class = NoProxy
c.JupyterHub.bind_url = "http://127.0.0.1:{public}/"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub}"
c.JupyterHub.db_url = "sqlite:///{tmp}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp}/cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.load_groups = {{"{group}": {{"users": ["tina"]}}}}
c.JupyterHub.services = [{{"name": "test-admin", "api_token": "{admin}"}}, progress["service"]]
c.JupyterHub.load_roles = [
    {{"name": "admin", "services": ["test-admin"]}},
    {{"name": "user", "scopes": ["self", *progress["user_scopes"]]}},
    progress["role"],
]
c.Spawner.environment = progress["spawner_environment"]
'''


def call(url, token=None, body=None, method=None):
    headers = {"Content-Type": "application/json", **({"Authorization": f"token {token}"} if token else {})}
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                 headers=headers, method=method or ("POST" if body is not None else "GET"))
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def wait_for(url, proc, log):
    for _ in range(240):
        if proc.poll() is not None:
            raise AssertionError("JupyterHub exited:\n" + log.read_text()[-3000:])
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # answering
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} never answered:\n" + log.read_text()[-3000:])


@pytest.fixture(scope="module")
def hub(pg_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hub")
    ports = {"public": free_port(), "hub": free_port(), "service_port": free_port()}
    (tmp / "jupyterhub_config.py").write_text(HUB_CONFIG.format(
        tmp=tmp, admin=ADMIN, group=TRAINERS_GROUP, service=SERVICE_NAME, python=sys.executable,
        db_url=pg_server.new_database("progress"), password_file=pg_server.password_file, **ports), encoding="utf-8")
    log = tmp / "jupyterhub.log"
    proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(tmp / "jupyterhub_config.py")], cwd=tmp,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, env={**os.environ})
    try:
        api = f"http://127.0.0.1:{ports['hub']}/hub/api"
        wait_for(api + "/", proc, log)
        service = f"http://127.0.0.1:{ports['service_port']}/services/{SERVICE_NAME}/"
        wait_for(service + "api/results", proc, log)
        status, _ = call(api + "/users", ADMIN, {"usernames": ["alice", "bob", "tina"]})
        assert status in (201, 409), status
        tokens = {}
        for name in ("alice", "bob", "tina"):
            status, model = call(f"{api}/users/{name}/tokens", ADMIN,
                                 {"scopes": [f"access:services!service={SERVICE_NAME}"], "note": "kernel"})
            assert status == 201, model
            tokens[name] = model["token"]
        yield service, tokens
    finally:
        stop_tree(proc)


def row(rid, item, score=1.0, **extra):
    return {"id": rid, "exercise": "风险识别练习", "item": item, "category": "岗位职责", "score": score,
            "max_score": 1.0, "at": "2026-12-01T10:00:00", **extra}


def test_own_rows_stored_and_the_user_comes_from_the_token(hub):
    service, tokens = hub
    status, body = call(service + "api/results", tokens["alice"],
                        {"results": [row("alice-0001", "题1"), row("alice-0002", "题2", learner="bob")]})
    assert status == 200 and body == {"learner": "alice", "stored": 2, "ignored": 0}
    # the same row again (a resend after a lost answer) is stored once
    assert call(service + "api/results", tokens["alice"], {"results": [row("alice-0001", "题1")]})[1]["stored"] == 0
    status, body = call(service + "api/results", tokens["alice"])
    assert status == 200 and [(r["learner"], r["item"]) for r in body["results"]] == [("alice", "题1"), ("alice", "题2")]


def test_another_users_rows_are_neither_readable_nor_writable(hub):
    service, tokens = hub
    call(service + "api/results", tokens["alice"], {"results": [row("alice-0003", "题3")]})
    # bob claims to be alice: stored as bob, alice's rows untouched
    status, body = call(service + "api/results", tokens["bob"], {"results": [row("alice-0003", "题3", 0.0, learner="alice")]})
    assert status == 200 and body["learner"] == "bob" and body["stored"] == 1
    status, body = call(service + "api/results", tokens["bob"])
    assert {r["learner"] for r in body["results"]} == {"bob"}
    assert call(service + "api/results?all=1", tokens["bob"])[0] == 403
    assert call(service + "api/results?learner=alice", tokens["bob"])[1]["results"] == body["results"]
    alice = call(service + "api/results", tokens["alice"])[1]["results"]
    assert [r["score"] for r in alice if r["item"] == "题3"] == [1.0]
    assert call(service + "api/results")[0] == 403  # no token
    assert call(service + "api/results", ADMIN)[0] == 403  # a service's token is nobody's progress
    assert call(service + "api/results", "not-a-token")[0] == 403
    assert call(service + "api/results", tokens["bob"], {"results": [{"id": "x"}]})[0] == 400


def test_trainer_reads_all_and_gathers_the_sheet(hub, tmp_path):
    service, tokens = hub
    call(service + "api/results", tokens["bob"], {"results": [row("bob-0001", "题9")]})
    status, body = call(service + "api/results?all=1", tokens["tina"])
    assert status == 200 and {"alice", "bob"} <= {r["learner"] for r in body["results"]}
    out = tmp_path / "进度.xlsx"
    r = CliRunner().invoke(cli, ["progress", "gather-hub", service, "--token", tokens["tina"], "--out", str(out)])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["练习记录"]
    rows = list(ws.values)
    assert rows[0][:3] == ("学员", "练习", "题目")
    assert len(rows) - 1 == len(body["results"]) and {x[0] for x in rows[1:]} >= {"alice", "bob"}
    r = CliRunner().invoke(cli, ["progress", "gather-hub", service, "--token", tokens["bob"], "--out", str(out)])
    assert r.exit_code != 0 and "培训师" in r.output


def test_kernel_results_reach_the_service_and_none_is_lost_while_it_is_down(hub, tmp_path, monkeypatch):
    service, tokens = hub
    from qingfeng.learning.progress_service import hub_wiring

    assert hub_wiring("python", int(service.split(":")[2].split("/")[0]), "", "")["spawner_environment"] == {
        "QINGFENG_PROGRESS_URL": service}  # what kernels get on the Hub is where the service answers
    db = tmp_path / ".qingfeng" / "progress.sqlite"
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", tokens["alice"])
    monkeypatch.setenv("QINGFENG_PROGRESS_URL", f"http://127.0.0.1:{free_port()}/services/{SERVICE_NAME}/")  # nobody there
    store = ProgressStore(db, learner="alice")
    for i in range(5):
        store.record("离线练习", f"离线题{i}", "业务流程", i % 2, 1)
    assert len(store.frame()) == 5 and progress_hub.pending(db) == 5  # kept locally and queued
    monkeypatch.setenv("QINGFENG_PROGRESS_URL", service)  # the service is back
    store.record("离线练习", "离线题5", "业务流程", 1, 1)
    assert progress_hub.pending(db) == 0
    assert progress_hub.flush(db) == 0  # nothing left, nothing sent twice
    mine = [r for r in call(service + "api/results", tokens["alice"])[1]["results"] if r["exercise"] == "离线练习"]
    assert sorted(r["item"] for r in mine) == [f"离线题{i}" for i in range(6)]
    assert len(store.frame()) == 6
    # the service stored the rows but its answer was lost: everything is sent again, stored once
    with sqlite3.connect(db) as con:
        con.execute("UPDATE hub_sync SET sent_rowid = 0")
    assert progress_hub.flush(db) == 6
    again = [r for r in call(service + "api/results", tokens["alice"])[1]["results"] if r["exercise"] == "离线练习"]
    assert len(again) == 6


def test_outside_a_hub_nothing_is_sent_or_queued(tmp_path, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    monkeypatch.delenv("QINGFENG_PROGRESS_URL", raising=False)
    db = tmp_path / "p.sqlite"
    ProgressStore(db, learner="甲").record("练习", "题", None, 1, 1)
    with sqlite3.connect(db) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "results" in tables and "hub_sync" not in tables  # recorded locally; no sync state: nothing was tried
