"""Write several case files as one unit: all land, or the library is left as it was.

An import first writes a journal (``.import-journal`` in the library folder,
locked while the import runs) naming every new file and its staging folder.
New cases are then created under their own names (``O_EXCL``: nothing that
exists is touched; a 50,000-case import spends no time renaming them); a case
being updated is staged, its old file backed up, then swapped in.  On any
error the new files are removed and the backups restored.  If the process
was killed instead, the journal stays behind: the next import undoes what it
lists before it starts (:func:`.import_journal.recover_interrupted`), and until then
:func:`.import_journal.interrupted_import` lets ``qingfeng cases validate`` say so.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .import_journal import journal, remove_listed
from .library import case_file_name, case_text
from .model import Case

__all__ = ["write_cases_atomically", "stage_files", "write_case_files", "create_file"]


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
    with journal(cases_dir, [case_file_name(c.id) for c in new], staging.name if staging else "") as entry:
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
            remove_listed(folder, entry["new"])
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
