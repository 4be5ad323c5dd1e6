"""Learner results to the Hub's ``qingfeng-progress`` service, without ever losing one.

Active only inside a Hub server: ``JUPYTERHUB_API_TOKEN`` (set by JupyterHub in every kernel) and
``QINGFENG_PROGRESS_URL`` (set by the deployment) must both be present; otherwise nothing happens
and the local progress.sqlite stays the only record (offline, single user).

The local ``results`` table is itself the queue: a small ``hub_sync`` table in the same file keeps
the last row (rowid) the service has confirmed, and :func:`forward` sends every row after it —
whatever columns the table has (extra ones travel along). With the service down nothing advances
and the rows go out with the next result (or :func:`flush`). Each row's id is this file's random id
plus its rowid, so a resend after a lost answer is stored once.
"""
from __future__ import annotations

import json
import os
import sqlite3
import urllib.error
import urllib.request
import uuid
from pathlib import Path

__all__ = ["hub_target", "forward", "flush", "pending", "fetch_all"]

_STATE = "CREATE TABLE IF NOT EXISTS hub_sync (file_id TEXT NOT NULL, sent_rowid INTEGER NOT NULL)"
BATCH = 500


def hub_target() -> tuple[str, str] | None:
    url, token = os.environ.get("QINGFENG_PROGRESS_URL"), os.environ.get("JUPYTERHUB_API_TOKEN")
    return (url.rstrip("/") + "/", token) if url and token else None


def forward(db: Path) -> None:
    """Send the stored results the service has not confirmed yet (no-op outside a Hub)."""
    target = hub_target()
    if target is not None:
        flush(db, target)


def _state(con: sqlite3.Connection) -> tuple[str, int]:
    con.execute(_STATE)
    row = con.execute("SELECT file_id, sent_rowid FROM hub_sync").fetchone()
    if row is None:
        row = (uuid.uuid4().hex, 0)
        con.execute("INSERT INTO hub_sync VALUES (?, ?)", row)
        con.commit()
    return row


def pending(db: Path) -> int:
    """Results stored locally that the service has not confirmed."""
    with sqlite3.connect(db, timeout=10) as con:
        _, mark = _state(con)
        return con.execute("SELECT count(*) FROM results WHERE rowid > ?", (mark,)).fetchone()[0]


def _request(url: str, token: str, body: dict | None = None, timeout: float = 3.0) -> dict:
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def flush(db: Path, target: tuple[str, str] | None = None) -> int:
    """Send unconfirmed rows; returns how many the service confirmed (0 when it is unreachable)."""
    target = target or hub_target()
    if target is None:
        return 0
    url, token = target
    sent = 0
    with sqlite3.connect(db, timeout=10) as con:
        file_id, mark = _state(con)
        while True:
            cur = con.execute("SELECT rowid AS _rowid, * FROM results WHERE rowid > ? ORDER BY rowid LIMIT ?", (mark, BATCH))
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r)) for r in cur.fetchall()]
            if not rows:
                return sent
            body = [{k: v for k, v in r.items() if k != "_rowid"} | {"id": f"{file_id}-{r['_rowid']}"} for r in rows]
            try:
                _request(url + "api/results", token, {"results": body})
            except (urllib.error.URLError, OSError, ValueError):
                return sent  # service down, refused or confused: the rows stay unconfirmed for the next try
            mark = rows[-1]["_rowid"]
            con.execute("UPDATE hub_sync SET sent_rowid = ?", (mark,))
            con.commit()
            sent += len(rows)


def refusal(e: urllib.error.HTTPError) -> str:
    """The service's Chinese reason for refusing (its JSON ``error``, else the body as sent)."""
    detail = e.read().decode("utf-8", "replace")
    try:
        return json.loads(detail).get("error", detail)
    except (ValueError, AttributeError):
        return detail


def fetch_all(url: str, token: str) -> list[dict]:
    """Every learner's rows (the token's owner must be in the trainers' group)."""
    try:
        return _request(url.rstrip("/") + "/api/results?all=1", token, timeout=60)["results"]
    except urllib.error.HTTPError as e:
        raise PermissionError(f"进度服务拒绝了请求（{e.code}）：{refusal(e)}") from None
    except (urllib.error.URLError, OSError) as e:
        raise ConnectionError(f"连不上进度服务 {url}：{e}") from None
