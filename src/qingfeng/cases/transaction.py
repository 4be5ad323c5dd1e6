"""Write several case files as one unit: all land, or the library is left as it was."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .library import case_path, dump_case
from .model import Case

__all__ = ["write_cases_atomically"]


def write_cases_atomically(cases_dir: Path, cases: list[Case]) -> None:
    """Stage every file first, back up any file being replaced, then swap them in.

    If anything fails part-way, the backups are restored and new files removed.
    """
    cases_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=cases_dir))
    done: list[tuple[Path, Path | None]] = []  # (target, backup or None for a new file)
    try:
        staged = []
        for case in cases:
            tmp = staging / f"{case.id}.yaml"
            tmp.write_text(dump_case(case), encoding="utf-8")
            staged.append((tmp, case_path(cases_dir, case.id)))
        for tmp, target in staged:
            backup = None
            if target.exists():
                backup = staging / f"{target.name}.bak"
                shutil.copy2(target, backup)
            os.replace(tmp, target)
            done.append((target, backup))
    except BaseException:
        for target, backup in reversed(done):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
