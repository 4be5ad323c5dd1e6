"""Learner progress: every exercise result in a small SQLite file in the learner's home.

The file is ``~/.qingfeng/progress.sqlite`` (or ``$QINGFENG_PROGRESS``), never
inside the project, so it is never committed.  A trainer gathers a class's
files into one table with :func:`gather` (``qingfeng progress gather``).

Schema versions (``PRAGMA user_version``): 1 = the first release (one
``results`` table); 2 adds the module/topic/kind/answer columns to
``results`` and the ``sessions``, ``review``, ``final_tests``,
``certificates`` and ``profile`` tables.  Opening an older file migrates it
in place, in one transaction, keeping every row.
"""
from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sqlite3
from pathlib import Path
from typing import Callable

import pandas as pd

from .progress_hub import forward  # the Hub sink (no-op off the Hub)
from ..risk import CATEGORY_NAMES
from .catalog import MODULES, module_of

__all__ = ["default_path", "learner_name", "ProgressStore", "gather", "summarise", "COLUMNS", "SCHEMA_VERSION"]

COLUMNS = {"learner": "学员", "exercise": "练习", "item": "题目", "category": "风险类别", "score": "得分",
           "max_score": "满分", "at": "时间", "module": "单元", "topic": "主题", "kind": "题型"}
SCHEMA_VERSION = 2
_V1 = """CREATE TABLE IF NOT EXISTS results (
    learner TEXT NOT NULL, exercise TEXT NOT NULL, item TEXT NOT NULL, category TEXT,
    score REAL NOT NULL, max_score REAL NOT NULL, at TEXT NOT NULL)"""
_V2 = [
    "ALTER TABLE results ADD COLUMN module TEXT",
    "ALTER TABLE results ADD COLUMN topic TEXT",
    "ALTER TABLE results ADD COLUMN kind TEXT",
    "ALTER TABLE results ADD COLUMN answer TEXT",
    """CREATE TABLE sessions (learner TEXT NOT NULL, module TEXT NOT NULL, opened_at TEXT NOT NULL,
        last_seen TEXT NOT NULL)""",
    """CREATE TABLE review (learner TEXT NOT NULL, card TEXT NOT NULL, module TEXT, topic TEXT, title TEXT,
        spec TEXT NOT NULL, box INTEGER NOT NULL, due TEXT, last_at TEXT NOT NULL, PRIMARY KEY (learner, card))""",
    """CREATE TABLE final_tests (learner TEXT NOT NULL, at TEXT NOT NULL, score REAL NOT NULL,
        max_score REAL NOT NULL, passed INTEGER NOT NULL, items TEXT NOT NULL)""",
    """CREATE TABLE certificates (id TEXT PRIMARY KEY, learner TEXT NOT NULL, name TEXT NOT NULL, unit TEXT NOT NULL,
        issued TEXT NOT NULL, hours REAL NOT NULL, score REAL NOT NULL, signature TEXT NOT NULL)""",
    "CREATE TABLE profile (learner TEXT PRIMARY KEY, name TEXT, unit TEXT)",
]
SESSION_GAP = dt.timedelta(minutes=30)  # activity after a longer pause starts a new session


def default_path() -> Path:
    env = os.environ.get("QINGFENG_PROGRESS")
    return Path(env) if env else Path.home() / ".qingfeng" / "progress.sqlite"


def learner_name() -> str:
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()


def migrate(con: sqlite3.Connection) -> int:
    """Bring a progress file to :data:`SCHEMA_VERSION`; returns the version it had."""
    version = con.execute("PRAGMA user_version").fetchone()[0]
    has_results = con.execute("SELECT 1 FROM sqlite_master WHERE name='results'").fetchone() is not None
    if version == 0:
        version = 1 if has_results else 0
    if version >= SCHEMA_VERSION:
        return version
    con.execute("BEGIN IMMEDIATE")  # DDL is transactional in SQLite: all of the migration or none of it
    try:
        con.execute(_V1)
        for sql in _V2:
            con.execute(sql)
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return version


class ProgressStore:
    def __init__(self, path: Path | None = None, learner: str | None = None,
                 clock: Callable[[], dt.datetime] | None = None):
        self.path = Path(path) if path else default_path()
        self.learner = learner or learner_name()
        self.clock = clock or dt.datetime.now
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            migrate(con)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    # --- results: one row per answered exercise part -------------------------------------------------
    def record(self, exercise: str, item: str, category: str | None, score: float, max_score: float, *,
               module: str | None = None, topic: str | None = None, kind: str | None = None,
               answer: dict | None = None) -> None:
        if module is None and module_of(exercise):
            module = module_of(exercise).number
        with self._connect() as con:
            con.execute("INSERT INTO results (learner, exercise, item, category, score, max_score, at, module, topic, kind, answer)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (self.learner, exercise, item, category, float(score), float(max_score), self.now(), module,
                         topic, kind, json.dumps(answer, ensure_ascii=False) if answer is not None else None))
        forward(self.path)  # on a Hub: also to the qingfeng-progress service (never lost; no-op elsewhere)
        if module:
            self.touch(module)

    def frame(self) -> pd.DataFrame:
        with self._connect() as con:
            return pd.read_sql_query("SELECT * FROM results WHERE learner = ? ORDER BY at, rowid", con, params=(self.learner,))

    def last_answer(self, exercise: str) -> dict | None:
        """The answer the learner last submitted to an exercise (to restore a rebuilt widget), or None."""
        with self._connect() as con:
            row = con.execute("SELECT answer FROM results WHERE learner = ? AND exercise = ? AND answer IS NOT NULL"
                              " ORDER BY rowid DESC LIMIT 1", (self.learner, exercise)).fetchone()
        return json.loads(row[0]) if row else None

    def by_category(self) -> pd.DataFrame:
        """Attempts and mastery per risk category (all five rows, even with no attempts yet)."""
        return summarise(self.frame())

    # --- time spent: a session runs from opening a module to its last activity -----------------------
    def touch(self, module: str) -> None:
        """Opening a module or answering in it: extend the current session, or start one after a pause."""
        now = self.now()
        with self._connect() as con:
            row = con.execute("SELECT rowid, last_seen FROM sessions WHERE learner = ? AND module = ? ORDER BY rowid DESC LIMIT 1",
                              (self.learner, module)).fetchone()
            if row and self.clock() - dt.datetime.fromisoformat(row[1]) <= SESSION_GAP:
                con.execute("UPDATE sessions SET last_seen = ? WHERE rowid = ?", (now, row[0]))
            else:
                con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (self.learner, module, now, now))

    def minutes(self) -> dict[str, float]:
        with self._connect() as con:
            rows = con.execute("SELECT module, opened_at, last_seen FROM sessions WHERE learner = ?", (self.learner,)).fetchall()
        out: dict[str, float] = {}
        for module, a, b in rows:
            span = (dt.datetime.fromisoformat(b) - dt.datetime.fromisoformat(a)).total_seconds() / 60
            out[module] = out.get(module, 0.0) + span
        return out

    # --- completion ---------------------------------------------------------------------------------
    def done_exercises(self) -> set[str]:
        with self._connect() as con:
            return {r[0] for r in con.execute("SELECT DISTINCT exercise FROM results WHERE learner = ?", (self.learner,))}

    def completion(self) -> pd.DataFrame:
        """One row per module: exercises answered, out of how many, complete or not, minutes spent, mastery."""
        done, minutes, df = self.done_exercises(), self.minutes(), self.frame()
        rows = []
        for m in MODULES:
            keys = [e.key for e in m.exercises]
            part = df[df["exercise"].isin(keys)] if len(df) else df
            total = float(part["max_score"].sum()) if len(part) else 0.0
            n = sum(k in done for k in keys)
            rows.append({"单元": m.number, "名称": m.title, "已完成练习": n, "练习数": len(keys), "完成": n == len(keys),
                         "用时（分钟）": round(minutes.get(m.number, 0.0), 1), "学时": m.hours,
                         "得分率": round(float(part["score"].sum()) / total, 3) if total else None})
        return pd.DataFrame(rows)

    def all_complete(self) -> bool:
        return bool(self.completion()["完成"].all())

    # --- profile (name and unit, for the certificate and the trainer's sheet) -------------------------
    def set_profile(self, name: str, unit: str) -> None:
        with self._connect() as con:
            con.execute("INSERT INTO profile VALUES (?, ?, ?) ON CONFLICT(learner) DO UPDATE SET name = excluded.name,"
                        " unit = excluded.unit", (self.learner, name, unit))

    def profile(self) -> tuple[str, str]:
        with self._connect() as con:
            row = con.execute("SELECT name, unit FROM profile WHERE learner = ?", (self.learner,)).fetchone()
        return (row[0] or "", row[1] or "") if row else ("", "")

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._connect() as con:
            return con.execute(sql, params).fetchall()

    def execute(self, sql: str, params: tuple = ()) -> None:
        with self._connect() as con:
            con.execute(sql, params)


def summarise(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for name in CATEGORY_NAMES:
        part = df[df["category"] == name] if len(df) else df
        total = float(part["max_score"].sum()) if len(part) else 0.0
        rows.append({"风险类别": name, "练习次数": int(len(part)),
                     "掌握程度": round(float(part["score"].sum()) / total, 3) if total else None})
    return pd.DataFrame(rows)


def gather(paths: list[Path]) -> pd.DataFrame:
    """All learners' results in one table with Chinese headers; unreadable files are skipped and named."""
    frames, skipped = [], []
    for p in paths:
        try:
            con = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
            try:
                frames.append(pd.read_sql_query("SELECT * FROM results", con))
            finally:
                con.close()
        except (sqlite3.Error, pd.errors.DatabaseError):
            skipped.append(str(p))
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS))
    df = df.drop(columns=[c for c in ("answer",) if c in df.columns]).rename(columns=COLUMNS)
    df.attrs["skipped"] = skipped
    return df
