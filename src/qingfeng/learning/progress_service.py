"""``qingfeng-progress``: the JupyterHub service that keeps every learner's exercise results.

Kernels post their results with their own Hub token (``JUPYTERHUB_API_TOKEN``); the learner is
ALWAYS the token's owner, never a name in the request, so nobody can write or read another
person's rows. Members of the trainers' group read everyone's rows (``qingfeng progress gather
--hub``). Rows go to PostgreSQL (the deployment's server, table ``qingfeng_progress``).

API under the service prefix (``/services/qingfeng-progress/``):

* ``POST api/results`` ``{"results": [{"id", "exercise", "item", "category", "score", "max_score",
  "at", …}]}`` → ``{"stored": n}``; resending a row with the same id stores it once.
  Rows for a module's self-check (:data:`SERVICE_MARKED`) are not taken from kernels (``"ignored": n``):
  the service marks and records those itself (``api/self-check``, :mod:`qingfeng.learning.self_check_service`).
* ``GET api/results`` → your own rows; ``GET api/results?all=1`` → every row (trainers only).
* the 结业测验 and 结业证书: :mod:`qingfeng.learning.certificate_service` (``api/final-test``,
  ``api/certificate``, ``api/certificates/<id>``), when ``QINGFENG_COURSE`` names the course copy.
* the timed sittings' clock: :mod:`qingfeng.learning.sitting_service` (``api/sitting``,
  ``api/sitting/start``, ``api/sitting/submit``, ``api/sittings`` for examiners).

Run by the Hub (``python -m qingfeng.learning.progress_service``) with the Hub's service variables
plus: ``QINGFENG_PROGRESS_DB_URL`` (else ``QINGFENG_DB_URL``), ``QINGFENG_DB_PASSWORD_FILE``,
``QINGFENG_TRAINERS_GROUP`` (default :data:`TRAINERS_GROUP`); for certificates ``QINGFENG_COURSE``
(the course copy: bank, blueprints) and ``QINGFENG_CERT_KEY_FILE`` (the signing key, 0600, this account only).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from urllib.parse import urlparse

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tornado import ioloop, web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

from .catalog import MODULES

SERVICE_NAME = "qingfeng-progress"
TRAINERS_GROUP = "qingfeng-trainers"  # the ONE place the trainers' Hub group is named for this service
FIELDS = ("exercise", "item", "category", "score", "max_score", "at")
MAX_ROWS = 1000  # per request
SERVICE_MARKED = frozenset(e.key for m in MODULES for e in m.exercises if e.kind == "自测")  # marked here, never posted
log = logging.getLogger(SERVICE_NAME)

_SCHEMA = """CREATE TABLE IF NOT EXISTS qingfeng_progress (
    learner TEXT NOT NULL, id TEXT NOT NULL, exercise TEXT NOT NULL, item TEXT NOT NULL, category TEXT,
    score DOUBLE PRECISION NOT NULL, max_score DOUBLE PRECISION NOT NULL, at TEXT NOT NULL,
    extra TEXT, received TEXT NOT NULL, PRIMARY KEY (learner, id))"""


def database_url() -> str:
    raw = os.environ.get("QINGFENG_PROGRESS_DB_URL") or os.environ.get("QINGFENG_DB_URL")
    if not raw:
        raise SystemExit("qingfeng-progress：未设置 QINGFENG_PROGRESS_DB_URL（或 QINGFENG_DB_URL）")
    url = make_url(raw)
    if url.get_backend_name() == "postgresql" and "+" not in url.drivername:
        url = url.set(drivername="postgresql+psycopg")
    pw_file = os.environ.get("QINGFENG_DB_PASSWORD_FILE")
    if url.password is None and pw_file:
        url = url.set(password=open(pw_file, encoding="utf-8").read().splitlines()[0].strip())
    return url.render_as_string(hide_password=False)


def check_row(raw) -> dict:
    """One posted result, validated; the learner is not taken from it."""
    if not isinstance(raw, dict):
        raise ValueError("每条记录应是一个对象")
    rid = str(raw.get("id") or "")
    if not 8 <= len(rid) <= 64:
        raise ValueError("记录缺少 id（8～64 个字符）")
    if rid.startswith("svc-"):
        raise ValueError(f"记录 {rid}：以 svc- 开头的 id 只由服务自己使用")
    row = {"id": rid}
    for f in ("exercise", "item", "at"):
        if not isinstance(raw.get(f), str) or not raw[f]:
            raise ValueError(f"记录 {rid} 缺少“{f}”")
        row[f] = raw[f][:500]
    row["category"] = raw.get("category") if isinstance(raw.get("category"), str) else None
    try:
        row["score"], row["max_score"] = float(raw["score"]), float(raw["max_score"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"记录 {rid} 的得分或满分不是数字") from None
    extra = {k: v for k, v in raw.items() if k not in (*FIELDS, "id", "learner")}
    row["extra"] = json.dumps(extra, ensure_ascii=False) if extra else None
    return row


class Store:
    def __init__(self, url: str):
        self.engine = create_engine(url, pool_pre_ping=True)
        with self.engine.begin() as con:
            con.execute(text(_SCHEMA))

    def add(self, learner: str, rows: list[dict]) -> int:
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self.engine.begin() as con:
            before = con.execute(text("SELECT count(*) FROM qingfeng_progress WHERE learner = :l"), {"l": learner}).scalar()
            con.execute(text("INSERT INTO qingfeng_progress (learner, id, exercise, item, category, score, max_score, at, extra, received) "
                             "VALUES (:learner, :id, :exercise, :item, :category, :score, :max_score, :at, :extra, :received) "
                             "ON CONFLICT DO NOTHING"), [{**r, "learner": learner, "received": now} for r in rows])
            after = con.execute(text("SELECT count(*) FROM qingfeng_progress WHERE learner = :l"), {"l": learner}).scalar()
        return after - before

    def rows(self, learner: str | None) -> list[dict]:
        sql = "SELECT learner, id, exercise, item, category, score, max_score, at, extra FROM qingfeng_progress"
        with self.engine.connect() as con:
            result = con.execute(text(sql + (" WHERE learner = :l" if learner else "") + " ORDER BY learner, at, id"),
                                 {"l": learner} if learner else {})
            return [dict(r._mapping) for r in result]


class HubUserHandler(web.RequestHandler):
    """Base of every route of this service: the caller is the owner of the Hub token, a person."""

    def initialize(self, store: Store, auth, group: str, **more):
        self.store, self.auth, self.group = store, auth, group
        for k, v in more.items():
            setattr(self, k, v)

    async def prepare(self):
        model = await self.auth.get_user(self, sync=False)
        if not model or model.get("kind") != "user" or not self.auth.check_scopes(self.auth.access_scopes, model):
            raise web.HTTPError(403, "需要本人的 JupyterHub 令牌（access:services!service=qingfeng-progress）")
        self.user_model = model

    def body(self) -> dict:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise web.HTTPError(400, "请求体不是 JSON") from None
        if not isinstance(body, dict):
            raise web.HTTPError(400, "请求体应是一个 JSON 对象")
        return body

    async def is_trainer(self) -> bool:
        if "groups" in self.user_model:
            return self.group in self.user_model["groups"]
        return self.user_model["name"] in await self._group_members()

    _members: tuple[float, set[str]] = (0.0, set())

    async def _group_members(self) -> set[str]:
        cached_at, members = HubUserHandler._members
        if time.monotonic() - cached_at < 30:
            return members
        req = HTTPRequest(f"{self.auth.api_url}/groups/{self.group}",
                          headers={"Authorization": f"token {self.auth.api_token}"}, request_timeout=10)
        try:
            resp = await AsyncHTTPClient().fetch(req)
            members = set(json.loads(resp.body).get("users", []))
        except HTTPClientError as e:
            log.warning("cannot read group %s from the Hub: %s", self.group, e)
            members = set()
        HubUserHandler._members = (time.monotonic(), members)
        return members

    def write_error(self, status_code, **kwargs):
        reason = kwargs.get("exc_info", (None, None))[1]
        message = reason.log_message if isinstance(reason, web.HTTPError) and reason.log_message else self._reason
        self.finish({"error": message})


class ResultsHandler(HubUserHandler):
    async def get(self):
        everyone = self.get_argument("all", "") in ("1", "true")
        if everyone and not await self.is_trainer():
            raise web.HTTPError(403, f"只有培训师（{self.group} 组）可以读取全部学员的记录")
        self.finish({"learner": self.user_model["name"], "results": self.store.rows(None if everyone else self.user_model["name"])})

    def post(self):
        try:
            body = json.loads(self.request.body or b"{}")
            raw = body.get("results") if isinstance(body, dict) else None
            if not isinstance(raw, list) or len(raw) > MAX_ROWS:
                raise ValueError(f"请求体应为 {{\"results\": [...]}}，最多 {MAX_ROWS} 条")
            rows = [check_row(r) for r in raw]
        except ValueError as e:
            raise web.HTTPError(400, str(e)) from None
        kept = [r for r in rows if r["exercise"] not in SERVICE_MARKED]  # those the service marks and records itself
        self.finish({"learner": self.user_model["name"], "stored": self.store.add(self.user_model["name"], kept) if kept else 0,
                     "ignored": len(rows) - len(kept)})


def hub_wiring(python: str, port: int, db_url: str, password_file: str, trainers_group: str = TRAINERS_GROUP,
               user: str | None = None) -> dict:
    """What a jupyterhub_config.py adds for this service, in one place:

    ``service`` → append to ``c.JupyterHub.services``; ``role`` → append to ``c.JupyterHub.load_roles``;
    ``user_scopes`` → add to the scopes of the ``user`` role (and of ``server``, unless it is ``inherit``),
    so a kernel's token may reach the service; ``spawner_environment`` → merge into
    ``c.Spawner.environment``, so kernels know where to post. ``db_url`` has no password
    (``deploy/postgres.sh url``); ``password_file`` must be readable by ``user`` (the Hub's own user if None).
    """
    url = f"http://127.0.0.1:{port}"
    service = {"name": SERVICE_NAME, "url": url, "command": [python, "-m", "qingfeng.learning.progress_service"],
               "environment": {"QINGFENG_PROGRESS_DB_URL": db_url, "QINGFENG_DB_PASSWORD_FILE": password_file,
                               "QINGFENG_TRAINERS_GROUP": trainers_group}}
    if user:
        service["user"] = user
    return {"service": service,
            "role": {"name": f"{SERVICE_NAME}-service", "services": [SERVICE_NAME],
                     "scopes": [f"read:groups!group={trainers_group}"]},
            "user_scopes": [f"access:services!service={SERVICE_NAME}"],
            "spawner_environment": {"QINGFENG_PROGRESS_URL": f"{url}/services/{SERVICE_NAME}/"}}


def results_routes(args: dict) -> list[tuple]:
    return [("api/results", ResultsHandler, args)]


def _self_check_routes(args: dict) -> list[tuple]:
    from .self_check_service import routes  # the modules' self-checks (needs the course: QINGFENG_COURSE)

    return routes(args)


def _certificate_routes(args: dict) -> list[tuple]:
    from .certificate_service import routes  # the 结业测验 and 结业证书 (needs the course: QINGFENG_COURSE)

    return routes(args)


def _sitting_routes(args: dict) -> list[tuple]:
    from .sitting_service import routes  # the timed sittings' clock (start and submission times)

    return routes(args)


# Each entry: args -> [(path under the prefix, handler, handler args)].  Another concern of the
# service adds its own function here (handlers subclass HubUserHandler).
ROUTES = [results_routes, _self_check_routes, _certificate_routes, _sitting_routes]


def make_app(store: Store, group: str | None = None, routes=None):
    from jupyterhub.services.auth import HubAuth

    auth = HubAuth(cache_max_age=60)
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE_NAME}/").rstrip("/") + "/"
    args = {"store": store, "auth": auth, "group": group or os.environ.get("QINGFENG_TRAINERS_GROUP") or TRAINERS_GROUP}
    handlers = [(prefix + path, handler, kw) for make in (ROUTES if routes is None else routes) for path, handler, kw in make(args)]
    return web.Application(handlers)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    service_url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    app = make_app(Store(database_url()))
    app.listen(service_url.port, address=service_url.hostname or "127.0.0.1")
    log.info("qingfeng-progress listening on %s", service_url.geturl())
    ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
