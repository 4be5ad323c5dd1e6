"""``qingfeng hub prepare``: the data root's folders, owners and modes (run as root by ``make hub``).

Idempotent: running it again repairs modes and never overwrites the course
copy, the exchange or the Hub's state.  Who can read what is decided here,
by the file system:

    course/            grader:<ns>-staff 2750   examiners, trainers, the grader account; learners denied
      exams/           grader:formgrade-<ns> 2770  keys, bank, gradebook, submissions: examiners only
      risk_case_library/, courses/  grader:<ns>-trainers 2770   trainers edit the case library
    exchange/          root 1777 (sticky)        nbgrader creates inbound/ (2733, writable not listable)
    reports/           grader:<ns>-leaders 2750  statistics reports, served to leaders
    hub/               root 0700                 Hub database, cookie secret
    progress/          <ns>-progress 0700        the learner-progress service's own files: certificate key
"""
from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import subprocess
from pathlib import Path

from ..project import Project, copy_project
from .accounts import AccountsError, ensure_groups
from .layout import COURSE_ID, Layout

__all__ = ["prepare", "check_traversable", "LAB_ONLY_FOR_STAFF", "LAB_NOT_FOR_LEARNERS", "SERVER_NOT_FOR_LEARNERS",
           "write_role_config"]

# JupyterLab plugins of nbgrader that only examiners may see.
LAB_ONLY_FOR_STAFF = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list")
# Learners fetch, open and submit papers and read feedback in the Chinese 我的考试 panel and on the paper
# itself (the qingfeng extension); nbgrader's English Assignments panel, its Nbgrader menu and its
# Validate button (which says "Success!" to a paper with unreadable answers) are switched off.  Its
# assignment_list *server* extension stays on: the panel calls it.
LAB_NOT_FOR_LEARNERS = ("@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu",
                        "@jupyter/nbgrader:validate-assignment", "@jupyter-notebook/lab-extension")
SERVER_ONLY_FOR_STAFF = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
# Server extensions a learner's server does not load: each costs start-up CPU, and 100 candidates
# start at once at an exam (deploy/README.md, 容量规划).  Learners work in /lab only: no Notebook 7
# pages (/tree, its shim and its "open in Notebook" buttons) and no terminal.
SERVER_NOT_FOR_LEARNERS = ("notebook", "notebook_shim", "jupyter_server_terminals")
# No language server is installed in the Hub's runtime, so jupyter-lsp would only scan for them.
SERVER_FOR_NOBODY = ("jupyter_lsp",)


def check_traversable(path: Path) -> None:
    """Every folder above ``path`` must let other users pass (o+x), or spawned servers cannot start."""
    for folder in [*reversed(path.parents)]:
        if folder.exists() and not os.stat(folder).st_mode & 0o001:
            raise AccountsError(f"{folder} 不允许其他用户进入（权限 {oct(os.stat(folder).st_mode & 0o777)}），"
                                f"考生的服务器无法使用 {path}；请把数据目录放在别处，如 QINGFENG_HUB_ROOT=/srv/qingfeng")


def _chown(path: Path, user: str, group: str, mode: int | None = None) -> None:
    shutil.chown(path, user, group)
    if mode is not None:
        os.chmod(path, mode)


def _chown_tree(path: Path, user: str, group: str, dir_mode: int, file_mode: int) -> None:
    """Owner, group and modes of a tree (others get nothing)."""
    uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
    for folder, dirs, files in os.walk(path):
        os.chown(folder, uid, gid)
        os.chmod(folder, dir_mode)
        for f in files:
            p = os.path.join(folder, f)
            if not os.path.islink(p):
                os.chown(p, uid, gid)
                os.chmod(p, file_mode)


def ensure_grader(layout: Layout) -> None:
    try:
        pwd.getpwnam(layout.grader_user)
    except KeyError:
        subprocess.run(["useradd", "--system", "--create-home", "--home-dir", str(layout.grader_home),
                        "--shell", "/bin/bash", "--user-group", "--comment", "qingfeng grader", layout.grader_user],
                       check=True, capture_output=True)
    groups = [layout.staff_group, layout.examiners_group, layout.role_group("trainer"), layout.role_group("leader")]
    subprocess.run(["usermod", "--append", "--groups", ",".join(groups), layout.grader_user], check=True, capture_output=True)
    os.chmod(layout.grader_home, 0o700)


def ensure_progress_account(layout: Layout) -> None:
    """The account the learner-progress service runs as, and its private folder.

    Member of the staff and examiners' groups only to read what that group reads (the gradebook's password
    file, the bank it marks the 结业测验 against); no person logs in as it, and its folder (the
    certificate key) is 0700, so neither learners nor examiners (who work as the grader account) read it.
    """
    try:
        pwd.getpwnam(layout.progress_user)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", str(layout.progress_state),
                        "--shell", "/usr/sbin/nologin", "--user-group", "--comment", "qingfeng progress service",
                        layout.progress_user], check=True, capture_output=True)
    subprocess.run(["usermod", "--append", "--groups", f"{layout.staff_group},{layout.examiners_group}", layout.progress_user],
                   check=True, capture_output=True)
    layout.progress_state.mkdir(exist_ok=True)
    _chown(layout.progress_state, layout.progress_user, layout.progress_user, 0o700)
    for f in layout.progress_state.iterdir():
        if f.is_file():
            _chown(f, layout.progress_user, layout.progress_user, 0o600)


def write_role_config(layout: Layout, role: str) -> Path:
    """Per-role Jupyter settings, handed to servers as JUPYTER_CONFIG_PATH."""
    folder = layout.config_dir(role)
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    staff = role in ("examiner", "grader")
    disabled = [] if staff else list(LAB_ONLY_FOR_STAFF)
    server_ext = {x: False for x in SERVER_FOR_NOBODY}
    if not staff:
        server_ext.update({x: False for x in SERVER_ONLY_FOR_STAFF})
    if role == "learner":
        disabled += LAB_NOT_FOR_LEARNERS
        server_ext.update({x: False for x in SERVER_NOT_FOR_LEARNERS})
    if role != "learner":  # only learners fetch and submit papers; staff accounts are not candidates
        disabled.append("@jupyter/nbgrader:assignment-list")
        server_ext["nbgrader.server_extensions.assignment_list"] = False
    (folder / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {x: True for x in disabled}}, indent=1), encoding="utf-8")
    (folder / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": server_ext}}, indent=1), encoding="utf-8")
    (folder / "nbgrader_config.py").write_text(
        "# Written by `qingfeng hub prepare`: the Hub's exchange for every account of this role.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {str(layout.exchange)!r}\n"
        "c.Exchange.timezone = 'Asia/Shanghai'\n", encoding="utf-8")
    for p in [folder, *folder.rglob("*")]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    return folder


def _course_copy(source: Project, layout: Layout) -> bool:
    if (layout.course / "qingfeng.toml").is_file():
        return False
    if layout.course.exists():
        shutil.rmtree(layout.course)   # a half-made copy from an interrupted run
    tmp = layout.root / ".course.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    copy_project(source, tmp)
    for sub in ("courses", "grading"):
        if (source.root / sub).is_dir():
            shutil.copytree(source.root / sub, tmp / sub, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "报告"))
    tmp.rename(layout.course)
    return True


def _course_config(source: Project, layout: Layout) -> bool:
    """The course copy's nbgrader settings are the project's code, not course content: a copy made by an
    older version is brought up to date (e.g. Formgrader's autograde marking without running candidate code)."""
    new = (source.exams_dir / "nbgrader_config.py").read_bytes()
    dest = layout.course / "exams" / "nbgrader_config.py"
    if dest.is_file() and dest.read_bytes() == new:
        return False
    dest.write_bytes(new)
    return True


PUBLISHED = ("qingfeng.toml", "courses", "risk_case_library")


def publish(layout: Layout) -> Path:
    """Course notebooks and the case library from the course copy, read-only for every account.

    Learners' own copies are synced from here at each spawn; keys, bank and gradebook never are.
    Run again (``qingfeng hub prepare``) after trainers change the course copy.
    """
    tmp = layout.root / ".published.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    for name in PUBLISHED:
        src = layout.course / name
        if src.is_dir():
            shutil.copytree(src, tmp / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        elif src.is_file():
            shutil.copy(src, tmp / name)
    for folder, dirs, files in os.walk(tmp):
        os.chown(folder, 0, 0)
        os.chmod(folder, 0o755)
        for f in files:
            os.chown(os.path.join(folder, f), 0, 0)
            os.chmod(os.path.join(folder, f), 0o644)
    old = layout.root / ".published.old"
    if layout.published.exists():
        layout.published.rename(old)
    tmp.rename(layout.published)
    if old.exists():
        shutil.rmtree(old)
    return layout.published


def set_course_setting(layout: Layout, section: str, key: str, value: str) -> None:
    """Set ``[section] key = "value"`` in the course copy's qingfeng.toml (keeps every other line)."""
    import re

    toml = layout.course / "qingfeng.toml"
    lines = toml.read_text(encoding="utf-8").splitlines()
    entry = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    header = next((i for i, line in enumerate(lines) if line.strip() == f"[{section}]"), None)
    if header is None:
        lines += ["", f"[{section}]", "# Written by `qingfeng hub prepare` (make hub).", entry]
    else:
        end = next((i for i in range(header + 1, len(lines)) if re.match(r"\s*\[", lines[i])), len(lines))
        found = next((i for i in range(header + 1, end) if re.match(rf"\s*{re.escape(key)}\s*=", lines[i])), None)
        if found is None:
            lines.insert(header + 1, entry)
        else:
            lines[found] = entry
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")


def set_gradebook(layout: Layout, db_url: str, password_file: str | None) -> None:
    """Point the course copy's gradebook at the deployment's PostgreSQL (``[gradebook]``).

    The URL carries no password (the password file is named instead), so every program
    that opens the course copy (formgrader, qingfeng, root's ``hub accounts``) reaches the
    same database through one setting.
    """
    set_course_setting(layout, "gradebook", "db_url", db_url)
    if password_file:
        set_course_setting(layout, "gradebook", "password_file", password_file)


def prepare(source: Project, layout: Layout, db_url: str | None = None, password_file: str | None = None) -> list[str]:
    """Make (or repair) the data root; returns what was done, in Chinese, for the log."""
    if os.geteuid() != 0:
        raise AccountsError("准备 Hub 数据目录需要 root 权限")
    done = []
    layout.root.mkdir(parents=True, exist_ok=True)
    os.chmod(layout.root, 0o755)
    check_traversable(layout.root)
    created = ensure_groups(layout, [])
    if created:
        done.append(f"新建用户组：{'、'.join(created)}")
    ensure_grader(layout)
    ensure_progress_account(layout)
    g = layout.grader_user
    layout.hub_state.mkdir(exist_ok=True)
    os.chmod(layout.hub_state, 0o700)
    layout.exchange.mkdir(exist_ok=True)
    _chown(layout.exchange, "root", "root", 0o1777)
    layout.reports.mkdir(exist_ok=True)
    _chown(layout.reports, g, layout.role_group("leader"), 0o2750)
    if _course_copy(source, layout):
        done.append(f"复制课程到 {layout.course}")
    elif _course_config(source, layout):
        done.append(f"更新了课程的 nbgrader 设置 {layout.course / 'exams' / 'nbgrader_config.py'}（与本项目的版本一致）")
    # keys, sources, gradebook and backups: 0640 to the examiners' group (qingfeng.exam.protected_files)
    set_course_setting(layout, "marking", "examiners_group", layout.examiners_group)
    if db_url:
        set_gradebook(layout, db_url, password_file)
        done.append(f"成绩库：{db_url}")
    _chown(layout.course, g, layout.staff_group, 0o2750)
    for f in layout.course.iterdir():
        if f.is_file():
            _chown(f, g, layout.staff_group, 0o640)
    _chown_tree(layout.course / "exams", g, layout.examiners_group, 0o2770, 0o660)
    _chown_tree(layout.course / "grading", g, layout.examiners_group, 0o2770, 0o660) if (layout.course / "grading").is_dir() else None
    for sub in ("risk_case_library", "courses"):
        if (layout.course / sub).is_dir():
            _chown_tree(layout.course / sub, g, layout.role_group("trainer"), 0o2770, 0o660)
    for role in ("learner", "examiner", "trainer", "grader"):
        write_role_config(layout, role)
    publish(layout)
    layout.lab_settings.mkdir(parents=True, exist_ok=True)
    shutil.copy(source.root / "jupyterlab-settings" / "overrides.json", layout.lab_settings / "overrides.json")
    os.chmod(layout.lab_settings / "overrides.json", 0o644)
    return done
