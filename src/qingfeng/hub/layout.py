"""Where a Hub deployment keeps its data, and what its groups and accounts are called.

Everything the Hub owns lives under one *data root* (``QINGFENG_HUB_ROOT``;
default ``var/hub`` inside the project, which must then be traversable by
other Linux users).  Nothing goes into /etc or the system's PostgreSQL.

    <root>/runtime/       the Hub's Python (built from /usr/bin/python3.11, world-readable) and
                          configurable-http-proxy under runtime/node/   (QINGFENG_HUB_RUNTIME overrides)
    <root>/hub/           0700 root: jupyterhub.sqlite, cookie secret, proxy token, logs, pid
    <root>/course/        the examiners' course copy, owned by the grader account
    <root>/exchange/      nbgrader's filesystem exchange, 1777 (sticky)
    <root>/reports/       statistics reports the leaders' service serves
    <root>/published/     course notebooks + case library, read-only for all (learners' sync source)
    <root>/config/<role>/ per-role Jupyter settings (JUPYTER_CONFIG_PATH): lab page_config, nbgrader
    <root>/config/lab-settings/  JupyterLab overrides for everyone (Chinese interface)
    <root>/grader-home/   the grader account's home
    <root>/postgres/      the PostgreSQL data directory (deploy/postgres.sh)
    <root>/progress/      0700 <ns>-progress: the progress service's own files (certificate key)

Group names are built from a *namespace* (``QINGFENG_HUB_NAMESPACE``,
default ``qingfeng``) so tests can use a throwaway one; the nbgrader course
id and the grader service's name are always ``qingfeng``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["COURSE_ID", "ROLES", "Role", "Layout", "layout"]

COURSE_ID = "qingfeng"


@dataclass(frozen=True)
class Role:
    label: str        # as written in the roster's 角色 column
    key: str          # short English key used in group names and config folders
    aliases: tuple[str, ...] = ()


ROLES = (
    Role("学员", "learner", ("考生", "干部", "学生")),
    Role("考官", "examiner", ("阅卷人", "评卷人")),
    Role("培训师", "trainer", ("讲师", "教员")),
    Role("领导", "leader", ("领导干部",)),
)


@dataclass(frozen=True)
class Layout:
    root: Path
    namespace: str = "qingfeng"

    # --- folders ---------------------------------------------------------
    @property
    def runtime(self) -> Path:
        return Path(os.environ.get("QINGFENG_HUB_RUNTIME") or self.root / "runtime")

    @property
    def python(self) -> Path:
        return self.runtime / "bin" / "python"

    @property
    def proxy(self) -> Path:
        return self.runtime / "node" / "node_modules" / ".bin" / "configurable-http-proxy"

    @property
    def hub_state(self) -> Path:
        return self.root / "hub"

    @property
    def course(self) -> Path:
        return self.root / "course"

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def published(self) -> Path:
        """Read-only for everyone: the course notebooks and case library learners sync from."""
        return self.root / "published"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def grader_home(self) -> Path:
        return self.root / "grader-home"

    @property
    def lab_settings(self) -> Path:
        """JupyterLab's app settings for every server (simplified Chinese interface)."""
        return self.root / "config" / "lab-settings"

    @property
    def progress_state(self) -> Path:
        """The progress service's private folder (0700, its account): the certificate key lives here."""
        return self.root / "progress"

    def config_dir(self, role_key: str) -> Path:
        return self.root / "config" / role_key

    # --- accounts and groups (the one place they are spelled) ------------
    @property
    def grader_user(self) -> str:
        return f"grader-{self.namespace}"

    @property
    def progress_user(self) -> str:
        """The account the learner-progress service runs as: not a person, not the grader account
        (examiners work as that one), so only the service reads its certificate key."""
        return f"{self.namespace}-progress"

    @property
    def users_group(self) -> str:
        """Everyone who may log in to the Hub."""
        return f"{self.namespace}-users"

    @property
    def staff_group(self) -> str:
        """Examiners, trainers and the grader account: may enter the course copy."""
        return f"{self.namespace}-staff"

    def role_group(self, role_key: str) -> str:
        """Linux group = Hub group of a role; nbgrader's naming for the course's graders and students."""
        return {"learner": f"nbgrader-{self.namespace}", "examiner": f"formgrade-{self.namespace}",
                "trainer": f"{self.namespace}-trainers", "leader": f"{self.namespace}-leaders"}[role_key]

    @property
    def examiners_group(self) -> str:
        return self.role_group("examiner")

    def all_groups(self) -> list[str]:
        return [self.users_group, self.staff_group, *(self.role_group(r.key) for r in ROLES)]

    def hub_groups(self) -> list[str]:
        """Groups the Hub itself knows (roles are granted to them in deploy/jupyterhub_config.py)."""
        return [self.role_group(r.key) for r in ROLES]


def layout(project_root: str | os.PathLike | None = None) -> Layout:
    """The deployment's layout from the environment (``QINGFENG_HUB_ROOT``, ``QINGFENG_HUB_NAMESPACE``)."""
    root = os.environ.get("QINGFENG_HUB_ROOT")
    if not root:
        if project_root is None:
            raise RuntimeError("未设置 QINGFENG_HUB_ROOT，也没有给出项目文件夹")
        root = Path(project_root) / "var" / "hub"
    return Layout(Path(root).resolve(), os.environ.get("QINGFENG_HUB_NAMESPACE", "qingfeng"))
