"""Hub load benchmark: N candidates at once log in, spawn, fetch the sample paper, answer and submit.

The real deployment of ``deploy/`` (``deploy/hub.sh start``) on free loopback ports, a throw-away
data root and its own group namespace ``qfload``: every Linux account and group it makes starts
with ``qfload`` (or is ``grader-qfload``) and is removed afterwards, with the data root.  Each
step N (e.g. 50 → 75 → 100) releases a fresh copy of the sample paper and runs N simulated
candidates concurrently (one thread each): POST /hub/login with their password, start their
server, ``/assignments/fetch`` (the Assignments panel's API), write answers through the contents
API, ``/assignments/submit``.  A step *holds* when nothing failed, spawn p95 is within the limit,
and the exchange inbound has every candidate's paper exactly once, filed under their own 编号 and
owned by their own uid.  Then the examiner collects and runs ``qingfeng mark`` as the grader
account; and the collected papers are marked into SQLite and (when the PostgreSQL gradebook
backend is present) PostgreSQL side by side.  Needs root (PAM logins, setuid spawns).
"""
from __future__ import annotations

import os
import pwd
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..project import Project
from .hub_candidate import SimulatedCandidate
from .hub_deployment import NAMESPACE, HubDeployment, cleanup_accounts
from .process_usage import cpu_seconds, pid_cpu, rss_mib

__all__ = ["HubLoadStep", "HubLoadReport", "run_hub_load", "NAMESPACE"]

BLUEPRINT = "yumin-sample"
DEFAULT_RUNTIME = "/var/tmp/qingfeng-hubload-runtime"


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


@dataclass
class HubLoadStep:
    n: int
    exam: str
    spawn: list[float] = field(default_factory=list)
    submit: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    misfiled: list[str] = field(default_factory=list)
    wall: float = 0.0
    hub_cpu_s: float | None = None      # the Hub and its proxy during the step, including the spawn hooks they ran
    hub_own_cpu_s: float | None = None  # the Hub process alone (one Python thread: it bounds spawns per second)
    hub_mark_seconds: float | None = None
    marked: int = 0

    @property
    def cpu_per_candidate(self) -> float | None:
        """Everything one candidate cost the machine: their server (and what it ran) + their share of Hub and proxy."""
        if not self.cpu_s or self.hub_cpu_s is None:
            return None
        return statistics.mean(self.cpu_s) + self.hub_cpu_s / self.n

    def holds(self, p95_limit: float) -> bool:
        return not self.failures and not self.misfiled and len(self.spawn) == self.n and _pct(self.spawn, 0.95) <= p95_limit

    def lines(self, p95_limit: float) -> list[str]:
        rss = (f"平均 {statistics.mean(self.rss_mib):.0f} MiB，最大 {max(self.rss_mib):.0f} MiB，合计 {sum(self.rss_mib) / 1024:.2f} GiB"
               if self.rss_mib else "未测得")
        out = [f"  N = {self.n}（{self.exam}，全程 {self.wall:.1f} 秒）：{'通过' if self.holds(p95_limit) else '未通过'}",
               f"    启动服务器 p50 {_pct(self.spawn, 0.5):.1f} 秒，p95 {_pct(self.spawn, 0.95):.1f} 秒（{len(self.spawn)} 人）",
               f"    交卷 p50 {_pct(self.submit, 0.5):.2f} 秒，p95 {_pct(self.submit, 0.95):.2f} 秒（{len(self.submit)} 人）",
               f"    每个个人服务器的常驻内存（RSS）：{rss}",
               "    每个个人服务器启动到交卷用的 CPU 时间：" + (f"平均 {statistics.mean(self.cpu_s):.1f} 秒，合计 {sum(self.cpu_s):.0f} 秒"
                                                          f"（全部人数 × 每人 ÷ {os.cpu_count()} 核 ≈ {sum(self.cpu_s) / (os.cpu_count() or 1):.0f} 秒，"
                                                          "是启动时间的下限）" if self.cpu_s else "未测得"),
               *([f"    Hub 与代理在本轮用的 CPU（含以考生身份同步课程等启动前步骤）：{self.hub_cpu_s:.0f} 秒，每人 {self.hub_cpu_s / self.n:.2f} 秒"
                  + (f"；其中 Hub 进程本身（单线程）{self.hub_own_cpu_s:.0f} 秒，每人 {self.hub_own_cpu_s / self.n:.2f} 秒"
                     if self.hub_own_cpu_s is not None else ""),
                  f"    每名考生共耗 CPU {self.cpu_per_candidate:.2f} 秒：{self.n} 人 × {self.cpu_per_candidate:.2f} ÷ {os.cpu_count()} 核"
                  f" ≈ {self.n * self.cpu_per_candidate / (os.cpu_count() or 1):.0f} 秒，同时到达时最后一人启动时间的下限"]
                 if self.cpu_per_candidate is not None else []),
               f"    失败 {len(self.failures)} 人次；丢失或错放的试卷 {len(self.misfiled)} 份"]
        out += [f"      {f}" for f in (self.failures + self.misfiled)[:8]]
        if self.hub_mark_seconds is not None:
            out.append(f"    考官收卷并 qingfeng mark（Hub 上的成绩库）：{self.marked} 份，{self.hub_mark_seconds:.1f} 秒")
        return out


@dataclass
class HubLoadReport:
    p95_limit: float
    ramp: float = 0.0
    steps: list[HubLoadStep] = field(default_factory=list)
    backends: list[str] = field(default_factory=list)

    @property
    def largest_holding(self) -> int:
        return max((s.n for s in self.steps if s.holds(self.p95_limit)), default=0)

    def lines(self) -> list[str]:
        arrival = f"在 {self.ramp:.0f} 秒内陆续到达" if self.ramp else "同时到达"
        out = [f"Hub 并发考生（{arrival}；真实登录、启动、取卷、作答、交卷；通过 = 无失败、无错放、启动 p95 ≤ {self.p95_limit:.0f} 秒）"]
        for s in self.steps:
            out += s.lines(self.p95_limit)
        out.append(f"  能承受的最大并发人数：{self.largest_holding}")
        return out + self.backends


def _inbound_check(dep: HubDeployment, exam: str, logins: list[str], submitted: set[str]) -> list[str]:
    """Lost or misfiled papers: each candidate whose submit succeeded has exactly one paper in the inbound,
    named by and owned by them, with their own answers; nobody else has any (a candidate who never got
    a server is a failure, not a lost paper)."""
    inbound = dep.root / "exchange" / "qingfeng" / "inbound"
    seen: dict[str, list[Path]] = {}
    for p in inbound.iterdir() if inbound.is_dir() else ():
        parts = p.name.split("+")
        if len(parts) >= 2 and parts[1] == exam:
            seen.setdefault(parts[0], []).append(p)
    problems = []
    for login in logins:
        papers = seen.pop(login, [])
        if login not in submitted and not papers:
            continue
        if len(papers) != 1:
            problems.append(f"{login}：收件箱里有 {len(papers)} 份")
            continue
        paper = papers[0]
        owner = pwd.getpwuid(paper.stat().st_uid).pw_name
        text = (paper / f"{exam}.ipynb").read_text(encoding="utf-8") if (paper / f"{exam}.ipynb").exists() else ""
        if owner != login or f"考生 {login} 的作答" not in text:
            problems.append(f"{login}：试卷属主 {owner}，内容{'是' if f'考生 {login} 的作答' in text else '不是'}本人的")
    problems += [f"{other}：不该出现的 {len(p)} 份" for other, p in seen.items()]
    return problems


def _run_step(dep: HubDeployment, passwords: dict[str, str], n: int, spawn_timeout: float, step_timeout: float,
              ramp: float = 0.0) -> HubLoadStep:
    exam = f"load-{n}"
    step = HubLoadStep(n, exam)
    dep.grader("exam", "build", BLUEPRINT, "--id", exam)
    dep.grader("exam", "release", exam)
    logins = sorted(x for x in passwords if x.startswith(f"{NAMESPACE}-c"))[:n]
    people = [SimulatedCandidate(dep.base, login, passwords[login]) for login in logins]
    deadline = time.monotonic() + step_timeout
    hub_pids = [dep.root / "hub" / "jupyterhub.pid", dep.root / "hub" / "proxy.pid"]
    hub_cpu0, hub_own0 = sum(pid_cpu(p) for p in hub_pids), pid_cpu(hub_pids[0], children=False)

    def one(i_c: tuple[int, SimulatedCandidate]) -> tuple[str, float | None, float | None, str | None]:
        i, c = i_c
        spawn = submit = None
        time.sleep(ramp * i / n)                  # ramp 0: everyone at once; else arrivals spread over `ramp` s
        try:
            c.login()
            t0 = time.perf_counter()
            c.spawn(min(spawn_timeout, max(1.0, deadline - time.monotonic())))
            spawn = time.perf_counter() - t0
            submit = c.sit(exam)
            return c.name, spawn, submit, None
        except Exception as e:   # noqa: BLE001 - every failure is counted and reported, never hidden
            return c.name, spawn, submit, f"{c.name}：{type(e).__name__}: {str(e)[:160]}"

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(one, enumerate(people)))
    step.wall = time.perf_counter() - t0
    step.hub_cpu_s = sum(pid_cpu(p) for p in hub_pids) - hub_cpu0
    step.hub_own_cpu_s = pid_cpu(hub_pids[0], children=False) - hub_own0
    for _name, spawn, submit, error in results:
        if spawn is not None:
            step.spawn.append(spawn)
        if submit is not None:
            step.submit.append(submit)
        if error:
            step.failures.append(error)
    step.rss_mib = [m for m in (rss_mib(pwd.getpwnam(x).pw_uid) for x in logins) if m > 0]
    step.cpu_s = [c for c in (cpu_seconds(pwd.getpwnam(x).pw_uid) for x in logins) if c > 0]
    step.misfiled = _inbound_check(dep, exam, logins, {name for name, _s, submit, _e in results if submit is not None})
    t1 = time.perf_counter()
    dep.grader("exam", "collect", exam)
    dep.grader("mark", exam)
    step.hub_mark_seconds = time.perf_counter() - t1
    submitted = dep.root / "course" / "exams" / "submitted"
    step.marked = sum(1 for p in submitted.glob(f"*/{exam}") if p.is_dir())
    with ThreadPoolExecutor(max_workers=min(n, 20)) as pool:
        list(pool.map(lambda c: c.stop(), people))
    return step


def _backend_lines(project: Project, dep: HubDeployment, exam: str) -> list[str]:
    """``qingfeng mark`` of the collected papers into SQLite and PostgreSQL, side by side."""
    from ..exam import course
    from ..exam.fast_marking import mark_exam
    from ..project import copy_project

    submitted = dep.root / "course" / "exams" / "submitted"
    papers = sorted(p.parent.name for p in submitted.glob(f"*/{exam}"))
    try:
        from ..pgserver import throwaway
    except ImportError:
        throwaway = None
    server = throwaway(project.root / "deploy" / "postgres.sh") if throwaway else None
    seconds = {}
    try:
        with tempfile.TemporaryDirectory(prefix=f"{NAMESPACE}-marks-") as tmp:
            targets = {"SQLite": copy_project(project, Path(tmp) / "sqlite")}
            if server is not None:
                targets["PostgreSQL"] = copy_project(project, Path(tmp) / "postgres", gradebook={
                    "db_url": server.new_database("hubload"), "password_file": str(server.password_file)})
            built = dep.root / "course" / "exams"
            for name, p in targets.items():
                # the very paper the candidates sat (a rebuild would be a new build: its papers are refused)
                shutil.copytree(built / "source" / exam, p.exams_dir / "source" / exam)
                (p.exams_dir / "keys").mkdir(exist_ok=True)
                for f in (built / "keys").glob(f"{exam}.*"):
                    shutil.copy(f, p.exams_dir / "keys" / f.name)
                course.register_exam(p, exam, None)
                course.generate(p, exam)
                for login in papers:
                    shutil.copytree(submitted / login / exam, p.exams_dir / "submitted" / login / exam)
                t0 = time.perf_counter()
                report = mark_exam(p, exam)
                seconds[name] = time.perf_counter() - t0
                if report.problems:
                    raise RuntimeError(f"{name}：{len(report.problems)} 份未评分：{report.problems[:3]}")
    finally:
        if server is not None:
            from ..exam.gradebook_db import dispose_engines

            dispose_engines()
            server.discard()
    out = [f"收上来的 {len(papers)} 份（{exam}）qingfeng mark 到两种成绩库："]
    out += [f"  {name:<10}：{s:.2f} 秒，每份 {s / max(1, len(papers)) * 1000:.1f} 毫秒" for name, s in seconds.items()]
    if "PostgreSQL" in seconds:
        out.append(f"  PostgreSQL 用时是 SQLite 的 {seconds['PostgreSQL'] / seconds['SQLite']:.2f} 倍")
    else:
        out.append("  PostgreSQL：本代码中还没有 PostgreSQL 成绩库后端（qingfeng.pgserver），未对比")
    return out


def run_hub_load(project: Project, steps: tuple[int, ...] = (50, 75, 100), p95_limit: float = 15.0,
                 runtime: str | None = None, spawn_timeout: float = 150.0, step_timeout: float = 900.0,
                 down_steps: int = 3, ramp: float = 0.0, every_step: bool = False, progress=print) -> HubLoadReport:
    """Step up through ``steps`` while each holds (halving instead when the first one fails, at most
    ``down_steps`` times; ``every_step``: run every step whatever the one before did, to measure them);
    ``ramp`` > 0 spreads the arrivals over that many seconds instead of all at once.  Always removes
    its accounts, servers and data."""
    if os.geteuid() != 0:
        raise PermissionError("Hub 负载基准需要 root：PAM 登录、以每位考生的身份启动服务器")
    report = HubLoadReport(p95_limit, ramp)
    cleanup_accounts()
    dep = HubDeployment(project, runtime or os.environ.get("QINGFENG_HUB_RUNTIME") or DEFAULT_RUNTIME)
    try:
        passwords = dep.start(max(steps))
        todo = list(steps)
        while todo:
            n = todo.pop(0)
            progress(f"[Hub 负载] {n} 名考生{'在 %.0f 秒内陆续' % ramp if ramp else '同时'}登录、启动、取卷、交卷……")
            step = _run_step(dep, passwords, n, spawn_timeout, step_timeout, ramp)
            report.steps.append(step)
            progress("\n".join(step.lines(p95_limit)))
            if not step.holds(p95_limit) and not every_step:
                # the first step already fails: halve (at most `down_steps` times) to find what holds
                if len(report.steps) <= down_steps and not report.largest_holding and n // 2 >= 1:
                    todo = [n // 2]
                else:
                    break
        last = max(report.steps, key=lambda s: s.marked)
        if last.marked:
            report.backends = _backend_lines(project, dep, last.exam)
    finally:
        dep.stop()
    return report

