"""The Jupyter server side of the candidate's paper: one endpoint, ``POST /qingfeng/check``.

The JupyterLab extension sends the notebook as it is in the browser (saved
or not) and gets back, per item, what :func:`.answer_check.check_notebook`
reads — the marking reader, run in the server process, never in a kernel,
never on the candidate's code.  Submitting goes through nbgrader's own
``/assignments/submit``; this module only turns nbgrader's submission
timestamp into Beijing time for the confirmation.
"""
from __future__ import annotations

import json

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

__all__ = ["CheckHandler", "check_payload", "beijing_time"]

MAX_BODY = 20 * 1024 * 1024


def check_payload(nb: dict) -> dict:
    from .answer_check import ANSWERED, check_notebook

    items = check_notebook(nb)
    return {"items": [c.as_json() for c in items], "total": len(items),
            "answered": sum(c.state == ANSWERED for c in items)}


def beijing_time(timestamp: str) -> str:
    """nbgrader's submission timestamp as 北京时间 text; '' if unreadable.

    nbgrader writes ``%Y-%m-%d %H:%M:%S.%f %Z`` in ``Exchange.timezone``; the
    course sets Asia/Shanghai, whose abbreviation is CST (China Standard Time,
    not the American one a generic parser would assume).
    """
    import datetime as dt

    from .schedule import SHANGHAI

    text = str(timestamp).strip()
    stamp, _, zone = text.rpartition(" ") if not text[-1:].isdigit() else (text, "", "")
    zones = {"CST": SHANGHAI, "UTC": dt.timezone.utc, "GMT": dt.timezone.utc, "": SHANGHAI}
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return ""
    if when.tzinfo is None:
        if zone.upper() not in zones:
            return ""
        when = when.replace(tzinfo=zones[zone.upper()])
    return when.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


class CheckHandler(APIHandler):
    @web.authenticated
    def post(self):
        if len(self.request.body) > MAX_BODY:
            raise web.HTTPError(413, "试卷文件过大")
        try:
            body = json.loads(self.request.body or b"{}")
            nb = body["notebook"]
            if not isinstance(nb, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise web.HTTPError(400, "请求中没有试卷内容") from None
        out = check_payload(nb)
        if isinstance(body.get("submitted"), str):
            out["submitted_beijing"] = beijing_time(body["submitted"])
        self.finish(json.dumps(out, ensure_ascii=False))


def _load_jupyter_server_extension(serverapp) -> None:
    web_app = serverapp.web_app
    base = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [(url_path_join(base, "qingfeng", "check"), CheckHandler)])
    serverapp.log.info("清风考生作答检查已加载：%s", url_path_join(base, "qingfeng", "check"))
