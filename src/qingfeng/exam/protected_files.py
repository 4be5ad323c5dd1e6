"""Files that hold keys or mark schemes are readable by examiners only.

``exams/keys/*``, ``exams/source/**``, ``gradebook.db`` and its backups are
set to 0600, or 0640 and group-owned by ``[marking] examiners_group`` when
one is configured (on the Hub, the examiners' group).  Folders holding them
are 0700 / 0750 likewise.
"""
from __future__ import annotations

import grp
import os
from pathlib import Path

from ..project import Project
from .settings import marking_settings

__all__ = ["protect", "protect_tree", "PRIVATE_FILE"]

PRIVATE_FILE = 0o600


def _mode_and_gid(project: Project | None, folder: bool) -> tuple[int, int]:
    group = marking_settings(project).examiners_group if project is not None else ""
    if not group:
        return (0o700 if folder else 0o600), -1
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        raise ValueError(f"qingfeng.toml 中 [marking] examiners_group = “{group}”：系统中没有这个用户组") from None
    return (0o750 if folder else 0o640), gid


def protect(path: Path, project: Project | None = None) -> Path:
    """Restrict one file (or folder) to the examiners; returns the path."""
    path = Path(path)
    if not path.exists() or path.is_symlink():
        return path
    mode, gid = _mode_and_gid(project, path.is_dir())
    if gid >= 0:
        os.chown(path, -1, gid)
    os.chmod(path, mode)
    return path


def protect_tree(folder: Path, project: Project | None = None) -> None:
    """``protect`` a folder, everything under it and the sqlite side files of a database."""
    folder = Path(folder)
    if not folder.exists():
        return
    protect(folder, project)
    if folder.is_dir():
        for p in folder.rglob("*"):
            protect(p, project)
