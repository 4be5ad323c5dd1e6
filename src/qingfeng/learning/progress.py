"""Learner progress: every exercise result in a small SQLite file in the learner's home.

The file is ``~/.qingfeng/progress.sqlite`` (or ``$QINGFENG_PROGRESS``), never
inside the project, so it is never committed.  A trainer gathers a class's
files into one table with :func:`gather` (``qingfeng progress gather``).
"""
from __future__ import annotations

import datetime as dt
import getpass
import os
import sqlite3
from pathlib import Path

import pandas as pd

from .progress_hub import forward  # the Hub sink (no-op off the Hub)
from ..risk import CATEGORY_NAMES

__all__ = ["default_path", "learner_name", "ProgressStore", "gather", "COLUMNS"]

COLUMNS = {"learner": "学员", "exercise": "练习", "item": "题目", "category": "风险类别", "score": "得分",
           "max_score": "满分", "at": "时间"}
_SCHEMA = """CREATE TABLE IF NOT EXISTS results (
    learner TEXT NOT NULL, exercise TEXT NOT NULL, item TEXT NOT NULL, category TEXT,
    score REAL NOT NULL, max_score REAL NOT NULL, at TEXT NOT NULL)"""


def default_path() -> Path:
    env = os.environ.get("QINGFENG_PROGRESS")
    return Path(env) if env else Path.home() / ".qingfeng" / "progress.sqlite"


def learner_name() -> str:
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()


class ProgressStore:
    def __init__(self, path: Path | None = None, learner: str | None = None):
        self.path = Path(path) if path else default_path()
        self.learner = learner or learner_name()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(self, exercise: str, item: str, category: str | None, score: float, max_score: float) -> None:
        with self._connect() as con:
            con.execute("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (self.learner, exercise, item, category, float(score), float(max_score),
                         dt.datetime.now().isoformat(timespec="seconds")))
        forward(self.path)  # on a Hub: also to the qingfeng-progress service (never lost; no-op elsewhere)

    def frame(self) -> pd.DataFrame:
        with self._connect() as con:
            return pd.read_sql_query("SELECT * FROM results ORDER BY at", con)

    def by_category(self) -> pd.DataFrame:
        """Attempts and mastery per risk category (all five rows, even with no attempts yet)."""
        return summarise(self.frame())


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
    df = df.rename(columns=COLUMNS)
    df.attrs["skipped"] = skipped
    return df
