"""The Hub's login and spawn rules (imported by deploy/jupyterhub_config.py).

Roles live in Linux groups (written by ``qingfeng hub accounts``), so the
file system and the Hub agree on who is who: at every login the
authenticator hands the Hub the user's 清风 groups (``manage_groups``), and
``deploy/jupyterhub_config.py`` grants each group its JupyterHub role.
An LDAP deployment swaps the authenticator and keeps the same group names.
"""
from __future__ import annotations

import grp
import os
import pwd

from jupyterhub.auth import PAMAuthenticator

from .layout import Layout, layout as _layout

__all__ = ["QingfengPAMAuthenticator", "role_of", "pre_spawn_hook", "linux_groups", "sync_courses_as", "COURSE_FOLDER"]


def linux_groups(username: str) -> set[str]:
    try:
        gid = pwd.getpwnam(username).pw_gid
    except KeyError:
        return set()
    return {grp.getgrgid(g).gr_name for g in os.getgrouplist(username, gid)}


def role_of(groups: set[str], lay: Layout) -> str | None:
    """The role key of a member of these groups (examiner wins over trainer over leader over learner)."""
    for key in ("examiner", "trainer", "leader", "learner"):
        if lay.role_group(key) in groups:
            return key
    return None


class QingfengPAMAuthenticator(PAMAuthenticator):
    """PAM login for members of ``<ns>-users``; Hub groups = the user's 清风 Linux groups."""

    def _default_groups(self) -> set[str]:
        return set(_layout().hub_groups())

    async def authenticate(self, handler, data):
        # People type their 编号 as printed (R003); the Linux account is its lower case (r003).
        data = {**data, "username": self.normalize_username(data.get("username", ""))}
        name = await super().authenticate(handler, data)
        if not name:
            return None
        username = name if isinstance(name, str) else name["name"]
        hub_groups = sorted(linux_groups(username) & self._default_groups())
        return {"name": username, "groups": hub_groups}


async def pre_spawn_hook(spawner) -> None:
    """Leaders have no server (they read reports); every other role gets its own Jupyter settings,
    and learners their own copy of the courses, synced as themselves before their server starts."""
    lay = _layout()
    role = role_of(linux_groups(spawner.user.name), lay)
    if role is None or role == "leader":
        raise PermissionError("领导账号不启动个人服务器：请打开“统计报告”服务（/services/reports/）"
                              if role == "leader" else "该账号不属于清风的任何角色，不能启动服务器")
    spawner.environment["JUPYTER_CONFIG_PATH"] = str(lay.config_dir(role))
    spawner.environment["QINGFENG_HUB_ROOT"] = str(lay.root)
    spawner.environment["QINGFENG_ROLE"] = role
    spawner.environment["PATH"] = f"{lay.runtime / 'bin'}:/usr/local/bin:/usr/bin:/bin"   # qingfeng in terminals
    if role == "trainer":
        spawner.environment["QINGFENG_COURSE"] = str(lay.course)
        await _run_as(spawner.user.name, ["ln", "-sfn", str(lay.course / "risk_case_library"), CASE_LIBRARY_LINK], spawner.log)
        await _run_as(spawner.user.name, ["ln", "-sfn", str(lay.course / "courses"), COURSE_SOURCE_LINK], spawner.log)
    if role in ("learner", "trainer"):
        await sync_courses_as(spawner.user.name, lay, spawner.log)


COURSE_FOLDER = "我的课程"
CASE_LIBRARY_LINK = "案例库"   # in a trainer's home: the course copy's case library (group-writable for trainers)
COURSE_SOURCE_LINK = "课程原件"  # in a trainer's home: the course notebooks learners sync from, once published


async def _run_as(login: str, args: list[str], log, timeout: float = 120) -> bool:
    """Run a command as ``login`` in their home (never as root inside a user's files)."""
    import asyncio

    home = pwd.getpwnam(login).pw_dir
    proc = await asyncio.create_subprocess_exec("runuser", "-u", login, "--", *args, cwd=home,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=timeout)
    except asyncio.TimeoutError:
        proc.kill()
        log.warning("%s for %s timed out", args[0], login)
        return False
    if proc.returncode != 0:
        log.warning("%s for %s failed: %s", " ".join(args[:3]), login, out.decode(errors="replace")[-500:])
        return False
    return True


async def sync_courses_as(login: str, lay: Layout, log) -> bool:
    """``qingfeng courses sync`` into ``~/我的课程`` as the learner; on failure the server still starts."""
    import importlib.util

    if importlib.util.find_spec("qingfeng.learning.sync") is None or not (lay.published / "courses").is_dir():
        return False
    home = pwd.getpwnam(login).pw_dir
    return await _run_as(login, [str(lay.runtime / "bin" / "qingfeng"), "--root", str(lay.published), "courses", "sync",
                                 "--dest", os.path.join(home, COURSE_FOLDER)], log)
