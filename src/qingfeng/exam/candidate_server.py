"""The Jupyter server side of the candidate's paper: ``POST /qingfeng/check``, ``/qingfeng/sitting`` and the 我的考试 list.

The JupyterLab extension sends the notebook as it is in the browser (saved
or not) and gets back, per item, what :func:`.answer_check.check_notebook`
reads — the marking reader, run in the server process, never in a kernel,
never on the candidate's code.  Submitting goes through nbgrader's own
``/assignments/submit``; this module only turns nbgrader's submission
timestamp into Beijing time for the confirmation.

``GET /qingfeng/sitting?path=…`` tells the paper at ``path`` (relative to
the server's root) what the sitting's clock says — by the server's clock,
never the browser's (:mod:`.timing`, window from the ``.qingfeng-timing``
released with the paper) — and whether it was already submitted (then the
paper is shown read-only).  ``POST`` with ``{"path", "event": "open"}``
records the candidate's start (first write wins), ``"submitted"`` a
submission (:mod:`.sitting_record`).

``GET /qingfeng/papers`` lists the candidate's papers and ``POST
/qingfeng/papers/fetch`` / ``/qingfeng/papers/feedback`` fetch a paper or its
feedback, all through nbgrader's own assignment-list manager (the object its
``/assignments`` endpoints use, so the same exchange, config and checks), with
titles and deadlines from the papers and errors in Chinese
(:mod:`.candidate_papers`).  nbgrader's ``/assignments/fetch`` drops a failed
fetch's reason; these endpoints report it.
"""
from __future__ import annotations

import json

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

__all__ = ["CheckHandler", "SittingHandler", "PapersHandler", "PaperActionHandler", "check_payload", "sitting_payload",
           "beijing_time"]

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


def sitting_payload(folder, event: str = "", now=None, automatic: bool = False, service=None) -> dict:
    """What the candidate's bar shows for the paper in ``folder``; ``event`` 'open' / 'submitted' is recorded first.

    On a Hub (``QINGFENG_PROGRESS_URL``) a timed sitting's start and hand-ins are also recorded by the
    progress service's clock (:func:`.sitting_clock.candidate_call`, first start wins), and the countdown
    runs from the service's start: the local record is the candidate's own file and only a fallback.
    """
    import datetime as dt
    from pathlib import Path

    from .schedule import show
    from .sitting_record import record_start, record_submitted, started_at, submitted_times
    from .timed_sitting import CANDIDATE_FILE
    from .timing import window_from_json

    folder = Path(folder)
    now = now or dt.datetime.now(dt.timezone.utc)
    try:
        window = window_from_json(json.loads((folder / CANDIDATE_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        window = None
    exam_id = window.exam_id if window else folder.name
    if event == "open" and window is not None and window.may_start(now):
        record_start(folder, exam_id, now)
    if event == "submitted":
        record_submitted(folder, exam_id, now, automatic)
    started, submitted, kept = started_at(folder), submitted_times(folder), None
    if window is not None:
        if service is None:
            from .sitting_clock import candidate_call as service
        call = {"open": "start" if window.may_start(now) else "", "submitted": "submit"}.get(event, "")
        kept = service(call, exam_id)
        if kept is not None:  # the service's clock; None: no service here, or it failed (logged)
            started = kept[0] or started
            submitted = sorted({*submitted, *kept[1]})
    out = {"timed": window is not None, "submitted": bool(submitted),
           "submitted_text": show(submitted[-1]) if submitted else "", "server_time": now.isoformat()}
    if window is not None:
        out["clock"] = "service" if kept is not None else "local"
        out.update(window.status(now, started).as_json())
        out.update({"opens_text": show(window.opens), "closes_text": show(window.closes),
                    "duration_minutes": window.duration_minutes, "rule": window.describe()})
    return out


class SittingHandler(APIHandler):
    def _folder(self, path: str):
        from pathlib import Path

        root = Path(self.contents_manager.root_dir).resolve()
        folder = (root / str(path or "").lstrip("/")).resolve().parent
        if not folder.is_relative_to(root) or not folder.is_dir():
            raise web.HTTPError(404, "找不到这份试卷所在的文件夹")
        return folder

    @web.authenticated
    def get(self):
        self.finish(json.dumps(sitting_payload(self._folder(self.get_argument("path", ""))), ensure_ascii=False))

    @web.authenticated
    def post(self):
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise web.HTTPError(400, "请求格式不对") from None
        event = body.get("event") if body.get("event") in ("open", "submitted") else ""
        out = sitting_payload(self._folder(body.get("path", "")), event, automatic=bool(body.get("automatic")))
        self.finish(json.dumps(out, ensure_ascii=False))


class _PaperHandler(APIHandler):
    """Shared by the 我的考试 endpoints: nbgrader's manager, and the listing as Chinese rows."""

    def manager(self):
        manager = self.settings.get("assignment_list_manager")
        if manager is None:  # nbgrader.server_extensions.assignment_list is switched off on this server
            raise web.HTTPError(503, "本服务器没有启用试卷收发（nbgrader 的 assignment_list 服务器扩展未加载），请联系管理员")
        return manager

    def rows(self, **extra) -> None:
        from pathlib import Path

        from .candidate_papers import explain, paper_rows

        listed = self.manager().list_assignments()
        if not listed.get("success"):
            message, detail = explain(listed.get("value"), "读取考试列表")
            self.finish(json.dumps({"success": False, "message": message, "detail": detail, **extra}, ensure_ascii=False))
            return
        rows = [r.as_json() for r in paper_rows(listed["value"], Path(self.manager().root_dir))]
        self.finish(json.dumps({"success": True, "papers": rows, **extra}, ensure_ascii=False))


class PapersHandler(_PaperHandler):
    @web.authenticated
    def get(self):
        if self.settings.get("assignment_list_manager") is None:  # staff servers: the panel removes itself
            self.finish(json.dumps({"success": False, "unavailable": True,
                                    "message": "本服务器没有启用试卷收发"}, ensure_ascii=False))
            return
        self.rows()


class PaperActionHandler(_PaperHandler):
    @web.authenticated
    def post(self, action: str):
        from ..ids import IdError, check_exam_id
        from .candidate_papers import explain

        try:
            body = json.loads(self.request.body or b"{}")
            course_id, exam_id = str(body["course_id"]), check_exam_id(str(body["exam_id"]))
        except (ValueError, KeyError, TypeError, IdError):
            raise web.HTTPError(400, "请求中没有有效的试卷") from None
        manager = self.manager()
        if action == "fetch":
            done, doing = manager.fetch_assignment(course_id, exam_id), "领取试卷"
        else:
            done, doing = manager.fetch_feedback(course_id, exam_id), "领取反馈"
        if done.get("success"):
            self.rows(done=action)
        else:
            message, detail = explain(done.get("value"), doing)
            self.rows(done="", error=message, detail=detail)


def _load_jupyter_server_extension(serverapp) -> None:
    web_app = serverapp.web_app
    base = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [(url_path_join(base, "qingfeng", "check"), CheckHandler),
                                 (url_path_join(base, "qingfeng", "sitting"), SittingHandler),
                                 (url_path_join(base, "qingfeng", "papers"), PapersHandler),
                                 (url_path_join(base, "qingfeng", "papers", "(fetch|feedback)"), PaperActionHandler)])
    serverapp.log.info("清风考生作答检查已加载：%s", url_path_join(base, "qingfeng", "check"))
