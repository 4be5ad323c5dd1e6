"""`qingfeng exam autograde --nbgrader-check`: real nbgrader, only in a throw-away sandbox, never recorded."""
from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from qingfeng.exam import course, sandbox
from qingfeng.exam.keys import read_key
from qingfeng.exam.settings import marking_settings
from qingfeng.project import find_project

from .exam_course import copy_project
from .hostile_submissions import Hostile, apply, hostile_submissions
from .test_marking_security import EXAM, FIRST, FUTURE, PERFECT, grades, objective_total, qingfeng, released, sha, submit

pytestmark = pytest.mark.slow
CHEATS = ("h-interactivity", "h-rewrite-key", "h-os-system")  # a few: each paper starts a kernel
# small, so the escape run ends soon; an address-space limit under ~1 GB stops every kernel from starting
LIMITS = {"sandbox_seconds": 60, "sandbox_memory_mb": 1024}
BLOCKED, GOT_THROUGH = 0.25, 0.5  # what a probing paper makes nbgrader score its items: its report from inside


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.fail("the sandbox test needs root (it creates a throw-away user)")
    base = tmp_path_factory.mktemp("sandbox")
    project = find_project(copy_project(base / "proj"))
    course.build_exam(project, EXAM, EXAM, deadline=FUTURE)
    course.generate(project, EXAM)
    markers = base / "markers"
    markers.mkdir()
    rel = released(project)
    for h in hostile_submissions(EXAM, FIRST, str(markers)):
        if h.name in CHEATS:
            submit(project, h.name, apply(rel, h))
    submit(project, "honest", apply(rel, Hostile("honest", PERFECT, runs_code=False)))
    key = project.exams_dir / "keys" / f"{EXAM}.json"
    key_sha = sha(key)
    run = qingfeng(project.root, "exam", "autograde", EXAM, "--nbgrader-check")
    return project, run, key, key_sha, markers


def test_nbgrader_check_reports_each_difference_in_chinese(checked):
    project, run, *_ = checked
    assert run.returncode != 0
    assert "考生 h-interactivity 第 YM-XZ-01 题：nbgrader 沙箱评分 1 分，静态评分 0 分" in run.stderr
    assert "考生 honest" not in run.stderr  # an honest paper gets the same scores both ways
    assert "成绩库中记录的是静态评分，沙箱结果未记入" in run.stderr


def test_sandbox_results_never_reach_the_real_gradebook_and_the_key_is_unchanged(checked):
    project, run, key, key_sha, markers = checked
    assert objective_total(project, "h-interactivity") == 0.0 and objective_total(project, "honest") == 3.0
    assert sha(key) == key_sha
    assert json.loads(key.read_text(encoding="utf-8"))["items"][0]["entry"]["points"] != 99
    assert list(markers.iterdir()) == []  # /tmp is hidden inside the sandbox: its writes went nowhere


def test_sandbox_leaves_no_user_no_copy_and_no_process(checked):
    assert [u.pw_name for u in pwd.getpwall() if u.pw_name.startswith(sandbox.USER_PREFIX)] == []
    assert not sandbox.SANDBOX_BASE.exists() or list(sandbox.SANDBOX_BASE.iterdir()) == []
    assert subprocess.run(["pgrep", "-f", "sleep 3141[56]"], capture_output=True).stdout == b""


def test_nbgrader_check_refuses_without_root_in_chinese(checked, monkeypatch):
    project, *_ = checked
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(sandbox.SandboxRefused, match="需要以 root 运行"):
        sandbox.nbgrader_check(project, EXAM)


# --- a second run: papers that phone home, reach for the real course, hog memory and never stop ------------------
# Each probing paper reports what happened to it the only way a sandboxed paper can: it patches the scorer in its
# kernel (as h-patch-mark does), so nbgrader scores its items BLOCKED or GOT_THROUGH and the CLI prints that score
# next to the static one.  Candidates are marked in name order: the endless loop comes last, so it cannot starve them.


def _reports(outcome: str) -> str:
    return f"import qingfeng.exam.cell_marking as cm\ncm.mark = lambda e, i, f=None: {outcome}\n"


def _phone_home(port: int) -> str:
    return ("import socket\n"
            f"try:\n    socket.create_connection(('127.0.0.1', {port}), timeout=5).close()\n    outcome = {GOT_THROUGH}\n"
            f"except OSError:\n    outcome = {BLOCKED}\n" + _reports("outcome"))


def _reach_real_course(real_exams: Path) -> str:
    key = real_exams / "keys" / f"{EXAM}.json"
    return ("import pathlib\n"
            "def plant():\n"
            f"    pathlib.Path({str(real_exams / 'planted.txt')!r}).write_text('from the sandbox')\n"
            "def append_to_key():\n"
            f"    with open({str(key)!r}, 'a') as f:\n        f.write('tampered')\n"
            "def print_key():\n"
            f"    print(pathlib.Path({str(key)!r}).read_text())\n"
            "breaches = 0\n"
            "for attempt in (plant, append_to_key, print_key):\n"
            "    try:\n        attempt()\n        breaches += 1\n    except OSError:\n        pass\n"
            f"outcome = {BLOCKED} if breaches == 0 else {GOT_THROUGH}\n" + _reports("outcome"))


HOG = ("try:\n    hog = [bytearray(64 << 20) for _ in range(64)]  # 4 GB, four times the limit\n"
       f"    outcome = {GOT_THROUGH}\nexcept MemoryError:\n    outcome = {BLOCKED}\n" + _reports("outcome"))
# A plain `while True: pass` is cut off by nbgrader's own 30 s cell timeout; this loop spins 20 s before every later
# cell, so no cell ever times out and only the sandbox's wall-clock limit (or, much later, its CPU limit) ends it.
ENDLESS = ("import subprocess, time\n"
           "subprocess.Popen(['sleep', '27182'], start_new_session=True)\n"
           "def spin(*args):\n"
           "    end = time.monotonic() + 20\n"
           "    while time.monotonic() < end:\n        pass\n"
           "get_ipython().events.register('pre_run_cell', spin)\n")


class _Listener:
    """A loopback TCP port in the test process, counting the connections that reach it."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.arrived: list = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        deadline = time.monotonic() + 600
        while not self._done.is_set() and time.monotonic() < deadline:
            try:
                conn, peer = self.sock.accept()
            except socket.timeout:
                continue
            self.arrived.append(peer)
            conn.close()

    def close(self) -> None:
        self._done.set()
        self._thread.join(timeout=5)
        self.sock.close()


def _outside_hidden_folders() -> Path:
    """A folder the sandbox hides only because it holds the real exams/ (not /tmp, /root, /var/tmp, /dev/shm)."""
    parent = next(p for p in ("/srv", "/opt", "/var/local") if os.path.isdir(p))
    folder = Path(tempfile.mkdtemp(prefix="qingfeng-sandbox-test-", dir=parent))
    os.chmod(folder, 0o755)
    return folder


@pytest.fixture(scope="module")
def escapes():
    """One more sandbox run, with small limits, on a course whose exams/ anyone could write but for the sandbox."""
    if os.geteuid() != 0:
        pytest.fail("the sandbox test needs root (it creates a throw-away user)")
    base = _outside_hidden_folders()
    listener = _Listener()
    try:
        project = find_project(copy_project(base / "proj"))
        toml = project.config_file.read_text(encoding="utf-8")
        settings = "".join(f"{k} = {v}\n" for k, v in LIMITS.items())
        project.config_file.write_text(toml.replace("[marking]\n", "[marking]\n" + settings, 1), encoding="utf-8")
        course.build_exam(project, EXAM, EXAM, deadline=FUTURE)
        course.generate(project, EXAM)
        real = project.exams_dir.resolve()
        for folder in (real, real / "keys"):  # careless permissions: only the sandbox's hiding keeps a paper out
            os.chmod(folder, 0o777)
        os.chmod(real / "keys" / f"{EXAM}.json", 0o666)
        rel = released(project)
        papers = {"memory-hog": HOG, "net-probe": _phone_home(listener.port),
                  "reach-real-course": _reach_real_course(real), "z-endless-loop": ENDLESS}
        for name, cell in papers.items():
            submit(project, name, apply(rel, Hostile(name, {FIRST: cell})))
        key = real / "keys" / f"{EXAM}.json"
        key_sha, key_text = sha(key), key.read_text(encoding="utf-8")
        started = time.monotonic()
        run = qingfeng(project.root, "exam", "autograde", EXAM, "--nbgrader-check")
        elapsed = time.monotonic() - started
        time.sleep(0.5)  # one more accept round for a connection still in the backlog
        listener.close()
        yield project, run, elapsed, listener.arrived, key, key_sha, key_text
    finally:
        listener.close()
        shutil.rmtree(base, ignore_errors=True)


def _sandbox_scored(run, student: str, points: float) -> bool:
    return f"考生 {student} 第 {FIRST} 题：nbgrader 沙箱评分 {points:g} 分，静态评分 0 分" in run.stderr


def test_paper_cannot_connect_to_a_port_listening_on_the_host_loopback(escapes):
    project, run, _, arrived, *_ = escapes
    assert arrived == []
    assert _sandbox_scored(run, "net-probe", BLOCKED), run.stderr  # it ran, and its connection was refused
    assert "成绩库中记录的是静态评分，沙箱结果未记入" in run.stderr
    assert objective_total(project, "net-probe") == 0.0


def test_paper_cannot_write_append_to_or_read_the_real_course_by_absolute_path(escapes):
    project, run, _, _, key, key_sha, key_text = escapes
    assert _sandbox_scored(run, "reach-real-course", BLOCKED), run.stderr  # it ran, and every attempt failed
    assert not (key.parent.parent / "planted.txt").exists()
    assert sha(key) == key_sha and "tampered" not in key.read_text(encoding="utf-8")
    secrets = {k.explanation[:30] for k in read_key(project.exams_dir, EXAM).items} - {""}
    output = run.stdout + run.stderr
    assert secrets and [s for s in secrets if s in output] == []
    assert '"schema_version"' not in output and key_text[:200] not in output
    assert objective_total(project, "reach-real-course") == 0.0


def test_memory_hog_and_endless_loop_are_stopped_reported_in_chinese_and_never_recorded(escapes):
    project, run, elapsed, *_ = escapes
    seconds = marking_settings(project).sandbox_seconds
    assert (seconds, marking_settings(project).sandbox_memory_mb) == (LIMITS["sandbox_seconds"], LIMITS["sandbox_memory_mb"])
    assert elapsed < seconds + 45, elapsed  # the wall-clock limit, plus static marking and setting up the sandbox
    assert _sandbox_scored(run, "memory-hog", BLOCKED), run.stderr  # its 4 GB allocation failed inside the sandbox
    assert f"nbgrader 在沙箱中超过 {seconds} 秒，已终止（其日志可能含考生输出，不予显示）" in run.stderr
    assert "考生 z-endless-loop 第 YM-XZ-01 题：nbgrader 沙箱评分 无分数，静态评分 0 分" in run.stderr
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "自动评分完成" in run.stdout and "成绩库中记录的是静态评分，沙箱结果未记入" in run.stderr
    for student in ("memory-hog", "net-probe", "reach-real-course", "z-endless-loop"):
        assert objective_total(project, student) == 0.0, student  # the static scores, not the sandbox's


def test_stopped_run_leaves_no_user_no_copy_and_no_process(escapes):
    assert [u.pw_name for u in pwd.getpwall() if u.pw_name.startswith(sandbox.USER_PREFIX)] == []
    assert not sandbox.SANDBOX_BASE.exists() or list(sandbox.SANDBOX_BASE.iterdir()) == []
    assert subprocess.run(["pgrep", "-f", "sleep 2718[2]"], capture_output=True).stdout == b""
    assert subprocess.run(["pgrep", "-f", str(sandbox.SANDBOX_BASE)], capture_output=True).stdout == b""
