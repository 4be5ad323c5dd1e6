"""Where a marking run stages its notebooks, and how it cleans up on any exit.

* Staging folders are ``exams/.qingfeng-mark-<pid>-…`` (0700).  A run that is
  killed outright (SIGKILL) cannot clean up after itself, so every run first
  removes the folders of runs whose process no longer exists.
* SIGTERM and SIGHUP become ``SystemExit`` while a run is in progress, so the
  ordinary ``finally`` clean-up runs.
* Pool workers ask the kernel to kill them when their parent dies
  (``prctl(PR_SET_PDEATHSIG, SIGKILL)``), so none outlives a killed run.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

__all__ = ["PREFIX", "new_staging", "remove_stale", "exit_on_terminate", "die_with_parent"]

PREFIX = ".qingfeng-mark-"
STALE_AFTER = 24 * 3600  # even a live pid does not keep a folder older than this (pids are reused)
PR_SET_PDEATHSIG = 1


def new_staging(exams_dir: Path) -> Path:
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=exams_dir))
    os.chmod(path, 0o700)
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(exams_dir: Path) -> list[Path]:
    """Remove staging folders left by runs that were killed; returns what was removed."""
    removed = []
    for folder in Path(exams_dir).glob(f"{PREFIX}*"):
        if not folder.is_dir() or folder.is_symlink():
            continue
        pid_text = folder.name[len(PREFIX):].split("-", 1)[0]
        pid = int(pid_text) if pid_text.isdigit() else None
        old = time.time() - folder.stat().st_mtime > STALE_AFTER
        if pid is None or not _alive(pid) or old:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextmanager
def exit_on_terminate():
    """Turn SIGTERM/SIGHUP into SystemExit for the duration (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, _frame):
        raise SystemExit(128 + signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def die_with_parent(parent: int | None = None) -> None:
    """Pool initializer: be killed with the parent (Linux), and leave signals to the parent."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if parent is not None and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
