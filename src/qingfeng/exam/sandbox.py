"""``qingfeng exam autograde --nbgrader-check``: real nbgrader autograde, only inside a sandbox.

Marking is always static (:mod:`.fast_marking`).  To check that nbgrader
itself would give the same per-item scores, its autograde runs:

* as a throw-away unprivileged Linux user (``useradd``/``userdel``; root only),
* on a throw-away copy of the course: the submissions, the source, a fresh
  gradebook of its own and a read-only copy of the key (root-owned 0444) —
  the real ``exams/`` folder, ``/root``, ``/tmp``, ``/var/tmp`` and ``/dev/shm``
  are hidden behind empty tmpfs mounts in a private mount namespace,
* with no network (``unshare --net``), its own pid namespace (every process
  it starts dies with it), and CPU, memory, process, file-size and wall-clock
  limits (``setrlimit``; ``[marking] sandbox_seconds``/``sandbox_memory_mb``).

Afterwards its per-item scores are compared with the static ones; every
difference is reported (candidate, item, both scores) and nothing of the
sandbox reaches the real gradebook.  The copy and the user are removed.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..ids import child_path
from ..project import Project
from .key_integrity import verify_key
from .registry import require_exam
from .settings import marking_settings

__all__ = ["SandboxRefused", "Difference", "CheckReport", "nbgrader_check", "SANDBOX_BASE", "USER_PREFIX"]

SANDBOX_BASE = Path("/var/lib/qingfeng-sandbox")
USER_PREFIX = "qfsbx-"
HIDDEN = ("/root", "/tmp", "/var/tmp", "/dev/shm")


class SandboxRefused(RuntimeError):
    """The sandbox cannot be set up here (message in Chinese)."""


@dataclass(frozen=True)
class Difference:
    student: str
    item: str
    nbgrader: float | None  # None: nbgrader produced no score
    static: float | None

    def message(self) -> str:
        shown = lambda v: "无分数" if v is None else f"{v:g} 分"  # noqa: E731
        return f"考生 {self.student} 第 {self.item} 题：nbgrader 沙箱评分 {shown(self.nbgrader)}，静态评分 {shown(self.static)}"


@dataclass
class CheckReport:
    exam_id: str
    candidates: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    failed: str = ""  # nbgrader's exit, if it failed (its log is not shown: it may carry candidate output)

    @property
    def equal(self) -> bool:
        return not self.differences and not self.failed


def _need_root() -> None:
    if os.geteuid() != 0:
        raise SandboxRefused("--nbgrader-check 需要以 root 运行（要临时创建一个无特权用户来运行考生代码）。"
                             "请用 sudo 运行；日常评分不需要它：qingfeng exam autograde 默认静态评分，不运行考生代码")
    missing = [t for t in ("unshare", "useradd", "userdel", "mount") if shutil.which(t) is None]
    if missing:
        raise SandboxRefused(f"缺少沙箱所需的系统命令：{'、'.join(missing)}（Debian 软件包 util-linux、passwd）")


@contextmanager
def throwaway_user():
    """(name, uid, gid) of a fresh system user without home or login, deleted afterwards with its processes."""
    remove_stale_users()
    name = USER_PREFIX + secrets.token_hex(4)
    subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
                    "--user-group", name], check=True, capture_output=True)
    import pwd

    entry = pwd.getpwnam(name)
    try:
        yield name, entry.pw_uid, entry.pw_gid
    finally:
        _kill_user(entry.pw_uid)
        subprocess.run(["userdel", name], capture_output=True)


def _kill_user(uid: int) -> None:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if proc.stat().st_uid == uid:
                os.kill(int(proc.name), signal.SIGKILL)
        except (OSError, ProcessLookupError):
            continue


def remove_stale_users() -> list[str]:
    """Sandbox users left by a killed run (none of their processes can survive: pid namespace)."""
    import pwd

    gone = []
    for entry in pwd.getpwall():
        if entry.pw_name.startswith(USER_PREFIX):
            _kill_user(entry.pw_uid)
            subprocess.run(["userdel", entry.pw_name], capture_output=True)
            gone.append(entry.pw_name)
    return gone


def _copy_course(project: Project, exam_id: str, box: Path, uid: int, gid: int, students: list[str]) -> None:
    """The throw-away course: root-owned and read-only, except the sandbox's own gradebook, output and home."""
    ex = project.exams_dir
    # use_env = false: QINGFENG_DB_URL / QINGFENG_DB_PASSWORD_FILE never lead the sandbox to the real gradebook
    (box / "qingfeng.toml").write_text("# 沙箱中的临时课程副本（评分检查后删除）\n[gradebook]\nuse_env = false\n", encoding="utf-8")
    exams = box / "exams"
    (exams / "keys").mkdir(parents=True)
    shutil.copytree(child_path(ex / "source", exam_id), exams / "source" / exam_id)
    shutil.copy(child_path(ex / "keys", f"{exam_id}.json"), exams / "keys" / f"{exam_id}.json")
    for s in students:  # only the regular files marking reads: never follow a link a candidate may have planted
        src, dest = child_path(ex / "submitted", s, exam_id), exams / "submitted" / s / exam_id
        dest.mkdir(parents=True)
        for name in (f"{exam_id}.ipynb", "timestamp.txt", "submission_secret.txt"):
            if (src / name).is_file() and not (src / name).is_symlink():
                shutil.copyfile(src / name, dest / name)
    config = (ex / "nbgrader_config.py").read_text(encoding="utf-8")
    config += (f"\nc.CourseDirectory.db_url = 'sqlite:///{box}/db/gradebook.db'\nc.Exchange.root = '{box}/no-exchange'\n"
               f"c.NbGrader.logfile = '{box}/db/nbgrader.log'\nc.Execute.timeout = 30\n")
    (exams / "nbgrader_config.py").write_text(config, encoding="utf-8")
    for p in [box, *box.rglob("*")]:
        os.chown(p, 0, 0, follow_symlinks=False)
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    os.chmod(exams / "keys" / f"{exam_id}.json", 0o444)
    for own in ("db", "home", "exams/autograded"):
        (box / own).mkdir(parents=True, exist_ok=True)
        os.chown(box / own, uid, gid)
        os.chmod(box / own, 0o700)


def _gradebook_for_sandbox(box: Path, exam_id: str) -> None:
    """The sandbox's own gradebook, made from the examiner's source as root before any candidate code runs."""
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", exam_id, "--force", "--create"],
                          cwd=box / "exams", env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SandboxRefused(f"沙箱中无法生成试卷 {exam_id} 的成绩库：\n" + "\n".join(proc.stderr.strip().splitlines()[-8:]))


def _needed_paths() -> list[str]:
    """Paths the sandboxed Python needs even when they lie inside a hidden folder."""
    import qingfeng  # an editable install runs from the checkout (nbgrader_config.py imports it), which may lie under /tmp

    package = os.path.dirname(os.path.dirname(os.path.realpath(qingfeng.__file__)))
    paths = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable)), package)}
    paths |= {os.path.realpath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p}
    return sorted(paths)


def nbgrader_check(project: Project, exam_id: str, student: str | None = None, progress=None) -> CheckReport:
    """Run real nbgrader autograde in the sandbox and compare its per-item scores with the static ones."""
    from .fast_marking import static_scores

    _need_root()
    require_exam(project, exam_id)
    verify_key(project.exams_dir, exam_id)
    static = static_scores(project, exam_id)
    if student is not None:
        static = {s: v for s, v in static.items() if s.casefold() == student.casefold()}
    report = CheckReport(exam_id, sorted(static))
    if not static:
        return report
    limits = marking_settings(project)
    SANDBOX_BASE.mkdir(parents=True, exist_ok=True)
    os.chmod(SANDBOX_BASE, 0o711)
    with throwaway_user() as (name, uid, gid):
        box = SANDBOX_BASE / name
        box.mkdir(mode=0o755)
        try:
            _copy_course(project, exam_id, box, uid, gid, report.candidates)
            _gradebook_for_sandbox(box, exam_id)
            for p in (box / "db").iterdir():
                os.chown(p, uid, gid, follow_symlinks=False)
            hide = [str(project.exams_dir.resolve()), *HIDDEN]
            cmd = ["unshare", "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc",
                   sys.executable, "-m", "qingfeng.exam.sandbox_launch", "--uid", str(uid), "--gid", str(gid),
                   "--box", str(box), "--cpu", str(limits.sandbox_seconds), "--memory-mb", str(limits.sandbox_memory_mb),
                   *sum((["--hide", h] for h in hide), []), *sum((["--need", n] for n in _needed_paths()), []),
                   "--", sys.executable, "-m", "nbgrader", "autograde", exam_id, "--force", "--create",
                   "--MarkWithoutRunning.run_candidate_code=True"]  # here, and only here, nbgrader runs the papers
            try:
                proc = subprocess.run(cmd, cwd=box / "exams", capture_output=True, timeout=limits.sandbox_seconds,
                                      env=_sandbox_env(box), start_new_session=True)
                if proc.returncode != 0:
                    report.failed = f"nbgrader 在沙箱中退出码 {proc.returncode}"
            except subprocess.TimeoutExpired:
                report.failed = f"nbgrader 在沙箱中超过 {limits.sandbox_seconds} 秒，已终止"
            _kill_user(uid)
            nbg = _sandbox_scores(box / "db" / "gradebook.db")
        finally:
            shutil.rmtree(box, ignore_errors=True)
    for s, items in static.items():
        for item, points in sorted(items.items()):
            got = nbg.get(s, {}).get(item)
            if got is None or abs(got - points) > 1e-9:
                report.differences.append(Difference(s, item, got, points))
    return report


def _sandbox_env(box: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PYTHONPATH", "LANG", "LC_ALL")}
    return {**keep, "PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "HOME": str(box / "home"),
            "JUPYTER_RUNTIME_DIR": str(box / "home" / "runtime"), "IPYTHONDIR": str(box / "home" / "ipython"),
            "JUPYTER_DATA_DIR": str(box / "home" / "data"), "PYTHONWARNINGS": "ignore", "MPLBACKEND": "Agg"}


def _sandbox_scores(db: Path) -> dict[str, dict[str, float]]:
    """test-cell scores from the sandbox's gradebook, read as untrusted data (no links, read-only, numbers only)."""
    try:
        st = db.lstat()
    except OSError:
        return {}
    if not db.is_file() or db.is_symlink() or st.st_size > 200 * 1024 * 1024:
        return {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out: dict[str, dict[str, float]] = {}
    try:
        rows = con.execute("""SELECT sa.student_id, b.name, g.auto_score FROM grade g JOIN base_cell b ON b.id = g.cell_id
                              JOIN submitted_notebook sn ON sn.id = g.notebook_id JOIN submitted_assignment sa ON sa.id = sn.assignment_id
                              WHERE b.name LIKE 'test-%'""").fetchall()
    except sqlite3.DatabaseError:
        rows = []
    finally:
        con.close()
    for s, name, auto in rows:
        if isinstance(s, str) and isinstance(name, str) and isinstance(auto, (int, float)):
            out.setdefault(s, {})[name[len("test-"):]] = float(auto)
    return out


def describe(report: CheckReport) -> list[str]:
    """The Chinese lines a run prints."""
    lines = [d.message() for d in report.differences]
    if report.failed:
        lines.append(report.failed + "（其日志可能含考生输出，不予显示）")
    return lines
