"""The import bench's memory count: forked children's PSS added in, nothing read while there are none."""
from __future__ import annotations

import multiprocessing
import time

from qingfeng.bench.process_usage import TreeMemory

MB = 1024 * 1024


def _hold(mb: int, seconds: float) -> None:
    block = bytearray(mb * MB)  # written: private pages of the child
    for i in range(0, len(block), 4096):
        block[i] = 1
    time.sleep(seconds)


def test_a_childs_own_memory_is_counted():
    with TreeMemory(interval=0.02) as tree:
        child = multiprocessing.get_context("fork").Process(target=_hold, args=(120, 0.6))
        child.start()
        child.join()
    assert child.exitcode == 0
    assert tree.peak_kb > 120 * 1024  # the child's 120 MB and this process's share, together


def test_nothing_is_sampled_without_children():
    with TreeMemory(interval=0.01) as tree:
        time.sleep(0.1)
    assert tree.peak_kb == 0  # the caller takes this process's own ru_maxrss


def test_own_peak_is_this_processes_not_a_large_parents():
    import subprocess
    import sys

    code = "from qingfeng.bench.process_usage import own_peak_kb; import resource; print(own_peak_kb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    big = bytearray(300 * MB)
    for i in range(0, len(big), 4096):
        big[i] = 1
    own, maxrss = map(int, subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    assert maxrss > 300 * 1024 > own  # ru_maxrss carries this process's 300 MB into the child; VmHWM does not


def test_another_process_and_its_children_are_counted_from_outside():
    """The import bench samples the measured process from outside, so no sampling thread shares its GIL."""
    import subprocess
    import sys

    code = ("import multiprocessing, time\nfrom tests.test_process_usage import _hold\n"
            "p = multiprocessing.get_context('fork').Process(target=_hold, args=(120, 0.8)); p.start(); p.join()")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=str(__import__("pathlib").Path(__file__).parents[1]))
    with TreeMemory(proc.pid, interval=0.02) as tree:
        proc.wait()
    assert proc.returncode == 0
    assert tree.peak_kb > 120 * 1024  # the other process's child's 120 MB, read from this process
