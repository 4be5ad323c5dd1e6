"""Learner results to the Hub's ``qingfeng-progress`` service, without ever losing one.

Active only inside a Hub server: ``JUPYTERHUB_API_TOKEN`` (set by JupyterHub in every kernel) and
``QINGFENG_PROGRESS_URL`` (set by the deployment) must both be present; otherwise nothing happens
and the local progress.sqlite stays the only record (offline, single user).

Each result is first queued in the learner's own progress.sqlite (table ``hub_outbox``), then the
whole queue is sent; rows leave the queue only after the service has stored them. With the service
down the queue just grows and goes out with the next result (or :func:`flush`). Each row carries a
random id, so a resend after a lost answer is stored once.
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

_OUTBOX = "CREATE TABLE IF NOT EXISTS hub_outbox (id TEXT PRIMARY KEY, row TEXT NOT NULL)"
BATCH = 500


def hub_target() -> tuple[str, str] | None:
    url, token = os.environ.get("QINGFENG_PROGRESS_URL"), os.environ.get("JUPYTERHUB_API_TOKEN")
    return (url.rstrip("/") + "/", token) if url and token else None


def forward(db: Path, row: dict) -> None:
    """Queue one stored result for the Hub and send the queue (no-op outside a Hub)."""
    target = hub_target()
    if target is None:
        return
    with sqlite3.connect(db, timeout=10) as con:
        con.execute(_OUTBOX)
        rid = uuid.uuid4().hex
        con.execute("INSERT INTO hub_outbox VALUES (?, ?)", (rid, json.dumps({**row, "id": rid}, ensure_ascii=False)))
    flush(db, target)


def pending(db: Path) -> int:
    with sqlite3.connect(db, timeout=10) as con:
        con.execute(_OUTBOX)
        return con.execute("SELECT count(*) FROM hub_outbox").fetchone()[0]


def _request(url: str, token: str, body: dict | None = None, timeout: float = 3.0) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def flush(db: Path, target: tuple[str, str] | None = None) -> int:
    """Send queued rows; returns how many left the queue (0 when the service is unreachable)."""
    target = target or hub_target()
    if target is None:
        return 0
    url, token = target
    sent = 0
    with sqlite3.connect(db, timeout=10) as con:
        con.execute(_OUTBOX)
        while True:
            batch = con.execute("SELECT id, row FROM hub_outbox ORDER BY rowid LIMIT ?", (BATCH,)).fetchall()
            if not batch:
                return sent
            try:
                _request(url + "api/results", token, {"results": [json.loads(r) for _, r in batch]})
            except (urllib.error.URLError, OSError, ValueError):
                return sent  # service down, refused or confused: keep everything for the next try
            con.executemany("DELETE FROM hub_outbox WHERE id = ?", [(i,) for i, _ in batch])
            con.commit()
            sent += len(batch)


def fetch_all(url: str, token: str) -> list[dict]:
    """Every learner's rows (the token's owner must be in the trainers' group)."""
    try:
        return _request(url.rstrip("/") + "/api/results?all=1", token, timeout=60)["results"]
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", "replace")
        try:
            detail = json.loads(detail).get("error", detail)
        except ValueError:
            pass
        raise PermissionError(f"进度服务拒绝了请求（{e.code}）：{detail}") from None
    except (urllib.error.URLError, OSError) as e:
        raise ConnectionError(f"连不上进度服务 {url}：{e}") from None
