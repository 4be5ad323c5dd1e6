"""The journal of a case import: which files it is creating, held locked while it runs.

:func:`journal` writes ``.import-journal`` in the library folder (``O_EXCL``:
one import at a time) and holds an exclusive lock on it for the import's
block (:mod:`.transaction`).  A journal nobody holds is what a killed import
left: :func:`interrupted_import` says what it lists (for ``qingfeng cases
validate``), :func:`recover_interrupted` undoes it (the next import does so
first).  Names read back from a journal are plain file names in the library
folder, never paths.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from pathlib import Path

__all__ = ["JOURNAL", "ImportInProgress", "journal", "interrupted_import", "recover_interrupted", "remove_listed"]

JOURNAL = ".import-journal"


class ImportInProgress(RuntimeError):
    """Another import holds the library's journal."""


@contextlib.contextmanager
def journal(cases_dir: Path, new: list[str], staging: str):
    """The journal, written and locked for the block; removed when the block ends (either way: an
    error inside has already undone its writes).  Left behind only when the process dies."""
    path = cases_dir / JOURNAL
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise ImportInProgress(f"{path}：另一个导入正在进行（或上次导入中断），请稍后重试") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        entry = {"new": new, "staging": staging}
        os.write(fd, json.dumps(entry, ensure_ascii=False).encode("utf-8"))
        os.fsync(fd)  # on disk before the first case file is
        yield entry
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        os.close(fd)


def interrupted_import(cases_dir: Path) -> dict | None:
    """What a killed import left (its journal: ``new`` file names, ``staging`` folder), or None
    (no journal, or an import is running and holds it)."""
    path = cases_dir / JOURNAL
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # running, not interrupted
        with os.fdopen(os.dup(fd), "rb") as fh:
            raw = fh.read()
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            entry = {"new": [], "staging": ""}  # killed while writing the journal: no case file was written yet
        return {"new": [n for n in entry.get("new", []) if _plain_name(n)],
                "staging": entry.get("staging", "") if _plain_name(entry.get("staging", "")) else ""}
    finally:
        os.close(fd)


def recover_interrupted(cases_dir: Path) -> int:
    """Undo a killed import (its new files removed, replaced files restored); returns how many files."""
    entry = interrupted_import(cases_dir)
    if entry is None:
        if (cases_dir / JOURNAL).exists():
            raise ImportInProgress(f"{cases_dir / JOURNAL}：另一个导入正在进行，请等它结束后再导入")
        return 0
    folder = str(cases_dir)
    undone = remove_listed(folder, entry["new"])
    if entry["staging"]:
        staging = os.path.join(folder, entry["staging"])
        for name in os.listdir(staging) if os.path.isdir(staging) else []:
            if name.endswith(".yaml.bak"):
                os.replace(os.path.join(staging, name), os.path.join(folder, name[:-4]))
                undone += 1
        shutil.rmtree(staging, ignore_errors=True)
    os.unlink(cases_dir / JOURNAL)
    return undone


def remove_listed(folder: str, names: list[str]) -> int:
    """Remove the named files of ``folder`` that exist; returns how many."""
    removed = 0
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(folder, name))
            removed += 1
    return removed


def _plain_name(name: object) -> bool:
    """A journal names files in the library folder only (it is read back after a crash)."""
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\0" not in name
