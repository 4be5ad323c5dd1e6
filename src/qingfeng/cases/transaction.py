"""Write several case files as one unit: all land, or the library is left as it was.

An import first writes a journal (``.import-journal`` in the library folder,
locked while the import runs) naming every new file and its staging folder.
New cases are then created under their own names (``O_EXCL``: nothing that
exists is touched; a 50,000-case import spends no time renaming them); a case
being updated is staged, its old file backed up, then swapped in.  On any
error the new files are removed and the backups restored.  If the process
was killed instead, the journal stays behind: the next import undoes what it
lists before it starts (:func:`recover_interrupted`), and until then
:func:`interrupted_import` lets ``qingfeng cases validate`` say so.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .library import case_file_name, case_text
from .model import Case

__all__ = ["write_cases_atomically", "stage_files", "write_case_files", "create_file", "recover_interrupted", "interrupted_import",
           "ImportInProgress", "JOURNAL"]

JOURNAL = ".import-journal"


class ImportInProgress(RuntimeError):
    """Another import holds the library's journal."""


def write_cases_atomically(cases_dir: Path, cases: list[Case],
                           stage: Callable[[Path, list[Case]], None] | None = None) -> None:
    """Write ``cases`` (new ones and updates) into ``cases_dir``, all or none.

    ``stage(folder, cases)`` creates each case's file in ``folder`` (default :func:`stage_files`; a
    large import shares the work out, :mod:`.row_workers`).
    """
    cases_dir.mkdir(parents=True, exist_ok=True)
    present = set(os.listdir(cases_dir))  # one listing, not a stat per case (50,000-row imports)
    new = [c for c in cases if case_file_name(c.id) not in present]
    updates = [c for c in cases if case_file_name(c.id) in present]
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=cases_dir)) if updates else None
    folder = str(cases_dir)  # plain strings: 50,000 pathlib joins cost a second
    swapped: list[tuple[str, str]] = []  # (target, backup)
    with _journal(cases_dir, [case_file_name(c.id) for c in new], staging.name if staging else "") as journal:
        try:
            (stage or stage_files)(cases_dir, new)
            if staging:
                stage_files(staging, updates)
            for case in updates:
                name = case_file_name(case.id)
                target, backup = os.path.join(folder, name), os.path.join(staging, name + ".bak")
                shutil.copy2(target, backup)
                os.replace(os.path.join(staging, name), target)
                swapped.append((target, backup))
        except BaseException:
            for target, backup in reversed(swapped):
                os.replace(backup, target)
            _remove(folder, journal["new"])
            raise
        finally:
            if staging:
                shutil.rmtree(staging, ignore_errors=True)


def stage_files(folder: Path, cases: list[Case]) -> None:
    """Every case's file in ``folder``, created (never overwriting)."""
    write_case_files(str(folder), (case.to_dict() for case in cases))


def write_case_files(folder: str, mappings: Iterable[dict]) -> int:
    """Create each case mapping's file in ``folder`` (what a worker is sent); returns how many."""
    n = 0
    for n, data in enumerate(mappings, start=1):
        create_file(os.path.join(folder, case_file_name(data["id"])), case_text(data).encode("utf-8"))
    return n


def create_file(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for open()
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


@contextlib.contextmanager
def _journal(cases_dir: Path, new: list[str], staging: str):
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
    undone = _remove(folder, entry["new"])
    if entry["staging"]:
        staging = os.path.join(folder, entry["staging"])
        for name in os.listdir(staging) if os.path.isdir(staging) else []:
            if name.endswith(".yaml.bak"):
                os.replace(os.path.join(staging, name), os.path.join(folder, name[:-4]))
                undone += 1
        shutil.rmtree(staging, ignore_errors=True)
    os.unlink(cases_dir / JOURNAL)
    return undone


def _remove(folder: str, names: list[str]) -> int:
    removed = 0
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(folder, name))
            removed += 1
    return removed


def _plain_name(name: object) -> bool:
    """A journal names files in the library folder only (it is read back after a crash)."""
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\0" not in name
