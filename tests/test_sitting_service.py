"""The progress service's sitting clock, through its HTTP routes without a Hub (a stand-in for HubAuth
that maps a token to its owner): first write wins, the owner is the token's, nobody reads another's record."""
from __future__ import annotations

import datetime as dt
import json

from tornado import web
from tornado.testing import AsyncHTTPTestCase

from qingfeng.learning.progress_service import Store
from qingfeng.learning.sitting_service import Clock, routes

TOKENS = {"tok-alice": {"kind": "user", "name": "alice", "groups": []},
          "tok-bob": {"kind": "user", "name": "bob", "groups": []},
          "tok-exam": {"kind": "user", "name": "examiner", "groups": ["qingfeng-trainers"]}}


class TokenAuth:
    access_scopes = {"access:services!service=qingfeng-progress"}

    async def get_user(self, handler, sync=False):
        return TOKENS.get(handler.request.headers.get("Authorization", "").removeprefix("token "))

    def check_scopes(self, scopes, model):
        return True


class SittingRoutes(AsyncHTTPTestCase):
    def get_app(self):
        import tempfile

        self.tmp = tempfile.mkdtemp()
        self.store = Store(f"sqlite:///{self.tmp}/progress.sqlite")
        args = {"store": self.store, "auth": TokenAuth(), "group": "qingfeng-trainers"}
        return web.Application([("/services/qingfeng-progress/" + p, h, kw) for p, h, kw in routes(args)])

    def call(self, token, path, body=None):
        resp = self.fetch("/services/qingfeng-progress/" + path, method="POST" if body is not None else "GET",
                          body=json.dumps(body) if body is not None else None, headers={"Authorization": f"token {token}"})
        return resp.code, json.loads(resp.body)

    def test_first_start_wins_and_the_candidate_is_the_token_owner(self):
        code, first = self.call("tok-alice", "api/sitting/start", {"exam": "lianzheng-2026", "candidate": "bob"})
        assert code == 200 and first["candidate"] == "alice" and first["submitted"] == []
        code, again = self.call("tok-alice", "api/sitting/start", {"exam": "lianzheng-2026", "started": "2026-01-01T00:00:00+00:00"})
        assert again["started"] == first["started"]            # neither a second call nor a time in the body moves it
        assert self.call("tok-bob", "api/sitting?exam=lianzheng-2026")[0] == 404   # bob named in alice's body: nothing for bob
        code, sub = self.call("tok-alice", "api/sitting/submit", {"exam": "lianzheng-2026"})
        self.call("tok-alice", "api/sitting/submit", {"exam": "lianzheng-2026"})
        code, own = self.call("tok-alice", "api/sitting?exam=lianzheng-2026")
        assert code == 200 and own["started"] == first["started"] and len(own["submitted"]) == 2
        assert dt.datetime.fromisoformat(own["submitted"][0]) >= dt.datetime.fromisoformat(own["started"])

    def test_another_candidate_cannot_read_or_write_and_only_examiners_read_everyone(self):
        self.call("tok-alice", "api/sitting/start", {"exam": "lianzheng-2026"})
        bob = self.call("tok-bob", "api/sitting/submit", {"exam": "lianzheng-2026", "candidate": "alice"})[1]
        assert bob["candidate"] == "bob"
        alice = self.call("tok-alice", "api/sitting?exam=lianzheng-2026")[1]
        assert alice["submitted"] == []                         # bob's submission went to bob's own record
        code, err = self.call("tok-bob", "api/sittings?exam=lianzheng-2026")
        assert code == 403 and "考官" in err["error"]
        assert self.call("nobody", "api/sitting?exam=lianzheng-2026")[0] == 403
        code, every = self.call("tok-exam", "api/sittings?exam=lianzheng-2026")
        assert code == 200 and [s["candidate"] for s in every["sittings"]] == ["alice", "bob"]
        code, err = self.call("tok-alice", "api/sitting/start", {"exam": "../x"})
        assert code == 400 and "试卷编号" in err["error"]


def test_clock_keeps_the_first_start_given(tmp_path):
    clock = Clock(Store(f"sqlite:///{tmp_path / 'p.sqlite'}"))
    t0 = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.timezone.utc)
    clock.start("alice", "e1", t0)
    assert clock.start("alice", "e1", t0 - dt.timedelta(hours=1))["started"] == "2026-12-01T01:00:00+00:00"
    assert clock.submit("carol", "e1", t0)["started"] == "2026-12-01T01:00:00+00:00"   # no start: the submission time
