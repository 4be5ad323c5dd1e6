"""The trainer's sheet: one row per learner with unit, completion per module, time, final test and certificate.

Each learner's progress file is read from a private copy (``sqlite3`` backup
into a temporary file), so gathering never writes to, migrates or locks a
learner's file.
"""
from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pandas as pd

from .catalog import MODULES
from .final_test import PASS_MARK, best_final
from .progress import ProgressStore

__all__ = ["class_sheet", "find_progress_files"]


def find_progress_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        files += sorted(p.rglob("progress.sqlite")) if p.is_dir() else [p]
    return files


def _learners(con: sqlite3.Connection) -> list[str]:
    names: set[str] = set()
    for table in ("results", "profile", "final_tests", "sessions"):
        try:
            names |= {r[0] for r in con.execute(f"SELECT DISTINCT learner FROM {table}")}
        except sqlite3.Error:
            pass
    return sorted(names)


def _row(store: ProgressStore) -> dict:
    comp = store.completion().set_index("单元")
    name, unit = store.profile()
    best, passed = best_final(store)
    certs = store.query("SELECT id FROM certificates WHERE learner = ? ORDER BY issued DESC", (store.learner,))
    row = {"单位": unit or "（未填写）", "姓名": name, "学员账号": store.learner}
    for m in MODULES:
        r = comp.loc[m.number]
        row[m.label] = "已完成" if r["完成"] else f"{r['已完成练习']}/{r['练习数']}"
    row["完成单元数"] = int(comp["完成"].sum())
    row["学习用时（分钟）"] = round(float(comp["用时（分钟）"].sum()), 1)
    df = store.frame()
    df = df[~df["exercise"].str.startswith("错题本")] if len(df) else df
    total = float(df["max_score"].sum()) if len(df) else 0.0
    row["练习得分率"] = round(float(df["score"].sum()) / total, 3) if total else None
    row["结业测验最高分"] = best
    row["结业测验"] = "通过" if passed else ("未通过" if best is not None else "未参加")
    row["证书编号"] = certs[0][0] if certs else ""
    return row


def class_sheet(files: list[Path]) -> pd.DataFrame:
    """Every learner in the files, sorted by unit then name; ``attrs['skipped']`` names unreadable files."""
    rows, skipped = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i, f in enumerate(files):
            copy = Path(tmp) / f"{i}.sqlite"
            try:
                src = sqlite3.connect(f"file:{f}?mode=ro", uri=True)
                dst = sqlite3.connect(copy)
                try:
                    src.backup(dst)
                finally:
                    src.close()
                    dst.close()
                with sqlite3.connect(copy) as con:
                    learners = _learners(con)
                for who in learners:
                    rows.append(_row(ProgressStore(copy, who)))
            except (sqlite3.Error, pd.errors.DatabaseError):
                skipped.append(str(f))
    sheet = pd.DataFrame(rows)
    if len(sheet):
        sheet = sheet.sort_values(["单位", "姓名", "学员账号"], ignore_index=True)
    sheet.attrs["skipped"] = skipped
    sheet.attrs["pass_mark"] = PASS_MARK
    return sheet
