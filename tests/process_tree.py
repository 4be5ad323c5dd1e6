"""Stopping a server the tests started, with every process it started (a Hub's managed services)."""
from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

__all__ = ["descendants", "stop_tree"]


def descendants(pid: int) -> list[int]:
    """Every living process below ``pid`` (children of any of its threads, recursively)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = list(Path(f"/proc/{p}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                kids = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


def stop_tree(proc: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM ``proc`` and wait (it stops its own children, as a Hub stops its services); then SIGKILL
    whatever it started that is still running: a server slow to stop must not outlive the test."""
    below = {pid: _started(pid) for pid in descendants(proc.pid)}
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for pid, started in below.items():
        if started is not None and _started(pid) == started:  # the same process, not a new one with its pid
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _started(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None
