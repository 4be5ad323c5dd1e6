"""The real deployment of ``deploy/`` under load: a throw-away data root, free loopback ports and the
group namespace ``qfload`` (every account and group it makes starts with ``qfload`` or is
``grader-qfload``), started with ``deploy/hub.sh``, filled from a generated roster, and removed after.
"""
from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from ..project import Project

__all__ = ["NAMESPACE", "HubDeployment", "cleanup_accounts", "free_port"]

NAMESPACE = "qfload"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ours(name: str) -> bool:
    return name.startswith(f"{NAMESPACE}-") or name in (f"grader-{NAMESPACE}", f"formgrade-{NAMESPACE}", f"nbgrader-{NAMESPACE}")


def cleanup_accounts() -> None:
    for p in pwd.getpwall():
        if _ours(p.pw_name):
            subprocess.run(["pkill", "-KILL", "-u", p.pw_name], capture_output=True)
            subprocess.run(["userdel", "--remove", "--force", p.pw_name], capture_output=True)
    for g in grp.getgrall():
        if _ours(g.gr_name):
            subprocess.run(["groupdel", g.gr_name], capture_output=True)


class HubDeployment:
    def __init__(self, project: Project, runtime: str):
        self.project = project
        self.root = Path(tempfile.mkdtemp(prefix=f"{NAMESPACE}-root-", dir="/tmp"))
        os.chmod(self.root, 0o755)
        self.port = free_port()
        self.env = {**os.environ, "QINGFENG_HUB_ROOT": str(self.root), "QINGFENG_HUB_NAMESPACE": NAMESPACE,
                    "QINGFENG_HUB_RUNTIME": runtime, "QINGFENG_HUB_HOST": "127.0.0.1", "QINGFENG_HUB_PORT": str(self.port),
                    **{k: str(free_port()) for k in ("QINGFENG_HUB_API_PORT", "QINGFENG_PROXY_API_PORT",
                                                      "QINGFENG_GRADER_PORT", "QINGFENG_REPORTS_PORT", "QINGFENG_PROGRESS_PORT",
                                                      "QINGFENG_PG_PORT")}}
        self.base = f"http://127.0.0.1:{self.port}"
        self.runtime = Path(runtime)

    def hub_sh(self, action: str, timeout: float) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(self.project.root / "deploy" / "hub.sh"), action], env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def start(self, n: int) -> dict[str, str]:
        from openpyxl import Workbook, load_workbook

        proc = self.hub_sh("start", 1500)
        if proc.returncode != 0:
            log = self.root / "hub" / "jupyterhub.log"
            raise RuntimeError("Hub 没有启动：" + proc.stdout[-1500:] + proc.stderr[-1500:]
                               + (log.read_text(errors="replace")[-2000:] if log.exists() else ""))
        wb = Workbook()
        wb.active.append(["编号", "姓名", "单位", "部门", "岗位", "角色"])
        wb.active.append([f"{NAMESPACE.upper()}-E1", "考官", "区纪委", "案件审理室", "主任", "考官"])
        for i in range(1, n + 1):
            wb.active.append([f"{NAMESPACE.upper()}-C{i:03d}", f"考生{i}", ("交通局", "教育局", "卫健委")[i % 3], "", "", "考生"])
        roster, sheet = self.root / "load-roster.xlsx", self.root / "load-passwords.xlsx"
        wb.save(roster)
        proc = subprocess.run([str(self.runtime / "bin" / "qingfeng"), "--root", str(self.project.root), "hub", "accounts",
                               str(roster), "--out", str(sheet)], env=self.env, capture_output=True, text=True, timeout=1200)
        if proc.returncode != 0:
            raise RuntimeError("建立账号失败：" + proc.stdout[-1500:] + proc.stderr[-1500:])
        rows = load_workbook(sheet).active.iter_rows(min_row=2, values_only=True)
        return {r[4]: r[5] for r in rows}

    def grader(self, *args: str, timeout: float = 1200) -> str:
        """A qingfeng command as the grader account in the course folder: what an examiner types in the
        course service's terminal (same environment as the service in deploy/jupyterhub_config.py)."""
        grader = f"grader-{NAMESPACE}"
        env = ["env", "-i", f"HOME={self.root / 'grader-home'}", f"USER={grader}", f"QINGFENG_HUB_ROOT={self.root}",
               f"QINGFENG_EXCHANGE={self.root / 'exchange'}", f"JUPYTER_CONFIG_PATH={self.root / 'config' / 'grader'}",
               f"PATH={self.runtime / 'bin'}:/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"]
        proc = subprocess.run(["runuser", "-u", grader, "--", *env, str(self.runtime / "bin" / "qingfeng"), *args],
                              cwd=self.root / "course", capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"qingfeng {' '.join(args)} 失败：{proc.stdout[-1500:]}{proc.stderr[-1500:]}")
        return proc.stdout

    def stop(self) -> None:
        try:
            self.hub_sh("stop", 180)
        finally:
            cleanup_accounts()
            shutil.rmtree(self.root, ignore_errors=True)
