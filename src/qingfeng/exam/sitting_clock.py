"""The Hub's sitting clock (:mod:`qingfeng.learning.sitting_service`) seen from a Jupyter server or the examiner.

Active only when ``QINGFENG_PROGRESS_URL`` (set by the deployment in every candidate's server) and a
Hub token (``JUPYTERHUB_API_TOKEN`` in a server; ``QINGFENG_HUB_TOKEN`` or ``JUPYTERHUB_API_TOKEN``
for the examiner) are both present.  A candidate's server never waits long for the service: on any
failure it logs a warning and the caller falls back to the local record (:mod:`.sitting_record`).

The examiner reads the records through the service (``GET api/sittings``, examiners' group) rather
than the table: the service's database may be SQLite in the service account's private folder,
which the grader account cannot read; the HTTP route works on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["ServiceTimes", "candidate_call", "examiner_times"]

log = logging.getLogger("qingfeng.sitting")
TIMEOUT = 3.0  # seconds: the candidate's bar must never hang on the service


class ServiceTimes(dict):
    """candidate -> (start, [submission times]) as aware UTC datetimes, from the service."""


def _when(value) -> dt.datetime | None:
    try:
        w = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return w if w.tzinfo else w.replace(tzinfo=dt.timezone.utc)


def _call(url: str, token: str, path: str, body: dict | None = None, query: dict | None = None) -> dict:
    full = url.rstrip("/") + "/" + path + ("?" + urllib.parse.urlencode(query) if query else "")
    req = urllib.request.Request(full, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
                                 method="POST" if body is not None else "GET")
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
        return json.loads(resp.read())


def candidate_call(event: str, exam_id: str) -> tuple[dt.datetime | None, list[dt.datetime]] | None:
    """'start' / 'submit' / '' (read) at the service for this server's owner; None: no service, or it failed."""
    url, token = os.environ.get("QINGFENG_PROGRESS_URL"), os.environ.get("JUPYTERHUB_API_TOKEN")
    if not url or not token:
        return None
    try:
        if event:
            rec = _call(url, token, f"api/sitting/{event}", {"exam": exam_id})
        else:
            rec = _call(url, token, "api/sitting", query={"exam": exam_id})
    except urllib.error.HTTPError as e:
        if e.code == 404 and not event:
            return (None, [])
        log.warning("进度服务的考试计时不可用（%s），改用本机记录：%s", url, e)
        return None
    except (OSError, ValueError) as e:
        log.warning("进度服务的考试计时不可用（%s），改用本机记录：%s", url, e)
        return None
    return _when(rec.get("started")), [w for w in map(_when, rec.get("submitted") or []) if w]


def examiner_times(exam_id: str, url: str | None = None, token: str | None = None) -> ServiceTimes | None:
    """Every candidate's times from the service, or None when there is no service to ask (not on a Hub).

    Raises ``RuntimeError`` (Chinese) when a service is configured but refuses or cannot be reached:
    marking a Hub sitting silently on the candidates' own records would defeat the clock.
    """
    url = url or os.environ.get("QINGFENG_PROGRESS_URL")
    token = token or os.environ.get("QINGFENG_HUB_TOKEN") or os.environ.get("JUPYTERHUB_API_TOKEN")
    if not url or not token:
        return None
    try:
        data = _call(url, token, "api/sittings", query={"exam": exam_id})
    except (OSError, ValueError) as e:
        raise RuntimeError(f"无法从进度服务（{url}）读取考试 {exam_id} 的开考和交卷时间：{e}。"
                           "请确认本人在考官组并使用本人的 JupyterHub 令牌（QINGFENG_HUB_TOKEN）") from None
    out = ServiceTimes()
    for s in data.get("sittings", []):
        out[str(s.get("candidate"))] = (_when(s.get("started")), [w for w in map(_when, s.get("submitted") or []) if w])
    return out
