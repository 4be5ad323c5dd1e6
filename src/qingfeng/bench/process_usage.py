"""What a set of processes has cost so far, read from /proc: CPU seconds and resident memory.

Used by the Hub load benchmark to say what one user server, the Hub and its proxy cost per candidate,
and by the import benchmark for the memory of an import and its worker processes together.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

__all__ = ["stat_cpu", "cpu_seconds", "pid_cpu", "rss_mib", "own_peak_kb", "TreeMemory"]


def stat_cpu(stat: Path, children: bool = True) -> float:
    """CPU seconds (user + system) of one process, with (``children``) those of its children that
    have ended (e.g. a Node.js or ``qingfeng`` it ran and waited for)."""
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15 if children else 13]) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(uid: int) -> float:
    """CPU time the processes of ``uid`` have used so far: what one user server costs."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.stat().st_uid != uid:
                continue
            total += stat_cpu(stat)
        except (OSError, IndexError, ValueError):
            continue
    return total


def pid_cpu(pid_file: Path, children: bool = True) -> float:
    """CPU seconds of the process named in ``pid_file`` (0 if it is not running)."""
    try:
        return stat_cpu(Path("/proc") / pid_file.read_text().strip() / "stat", children)
    except (OSError, IndexError, ValueError):
        return 0.0


def rss_mib(uid: int) -> float:
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(fields.get("Uid", "-1 ").split()[0]) == uid and "VmRSS" in fields:
            total += int(fields["VmRSS"].split()[0])
    return total / 1024


def own_peak_kb() -> int:
    """This process's largest resident size so far (``VmHWM``), in KiB.

    Not ``ru_maxrss``: Linux carries that over from the parent through fork and exec, so a small
    import started by a large benchmark process would report the benchmark's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise OSError("/proc/self/status has no VmHWM")


class TreeMemory:
    """``with TreeMemory(pid) as m``: the largest memory process ``pid`` (default: this one) and its
    children held together at once, sampled every ``interval`` seconds, in KiB (:attr:`peak_kb`).

    Counted as PSS (``/proc/<pid>/smaps_rollup``): a page that forked workers share with their parent
    is counted once, split between them, not once per process as their RSS would.  Sampled only
    while there are children: alone, the process's own peak (VmHWM, exact and free) is the
    answer (:func:`own_peak_kb`).  The import bench watches its measured process from outside
    (``pid`` of a child it started): a sampling thread inside would take the GIL from the import.
    """

    def __init__(self, pid: int | None = None, interval: float = 0.05):
        self.pid, self.interval, self.peak_kb = pid or os.getpid(), interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="qingfeng-memory-sampler", daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        root = self.pid
        while True:
            children = _children(root)
            if children:
                self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in (root, *children)))
            if self._stop.wait(self.interval):
                return


def _children(pid: int) -> list[int]:
    out = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:  # the process has ended
        return out
    for task in tasks:
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0
