"""``qingfeng hub accounts 考生名单.xlsx``: one Linux account (and so one Hub login) per roster row.

Mapping, documented in deploy/README.md: the Hub user name and the Linux
user name are both the 编号 in lower case (JupyterHub lower-cases user
names, and nbgrader files a submission under the Linux user that made it,
so all three agree).  A 编号 that is already a system account not made by
清风 (``root``, ``daemon`` …) is refused, never reused.

Steps: read and validate every row (nothing is created while any row is
wrong) → create missing groups → create or update accounts → set
passwords → write the password sheet.  A failure part-way undoes
everything this run created.
"""
from __future__ import annotations

import grp
import os
import pwd
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..chinese_text import normalise
from ..ids import IdError, check_person_id, id_key
from ..spreadsheet import RowError, SheetError, read_table
from .layout import ROLES, Layout

__all__ = ["Account", "AccountsReport", "AccountsError", "read_accounts", "apply_accounts", "linux_name",
           "write_password_sheet", "PASSWORD_SHEET_HEADERS"]

LINUX_NAME_MAX = 32
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_SHEET_HEADERS = ("编号", "姓名", "单位", "角色", "登录用户名", "初始密码", "说明")
_ROLE_BY_LABEL = {label: r for r in ROLES for label in (r.label, *r.aliases)}


class AccountsError(RuntimeError):
    """Creating accounts failed part-way; everything this run created was undone."""


@dataclass(frozen=True)
class Account:
    row: int
    person_id: str    # the 编号 as written
    name: str
    unit: str
    role: str         # role key: learner / examiner / trainer / leader

    @property
    def login(self) -> str:
        return linux_name(self.person_id)

    @property
    def role_label(self) -> str:
        return next(r.label for r in ROLES if r.key == self.role)


@dataclass
class AccountsReport:
    created: list[Account] = field(default_factory=list)
    updated: list[Account] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)   # login -> new password (created or reset)
    groups_created: list[str] = field(default_factory=list)


def linux_name(person_id: str) -> str:
    """The Hub and Linux user name of a 编号: its lower-case form."""
    return id_key(check_person_id(person_id))


def _norm_header(h: str) -> str:
    return normalise(h).replace(" ", "")


def read_accounts(path: Path, layout: Layout) -> tuple[list[Account], list[RowError]]:
    """Every row checked; accounts only when there is no error at all."""
    from ..exam.roster import read_roster

    candidates, errors = read_roster(path)
    if any(e.row is None for e in errors):
        return [], errors
    try:
        table = read_table(path)
    except SheetError as e:  # read_roster read it a moment ago; kept for safety
        return [], [RowError(None, "", str(e))]
    role_header = next((h for h in table.headers if _norm_header(h) in ("角色", "身份", "类别")), None)
    id_header = next(h for h in table.headers if _norm_header(h) in ("编号", "工号", "考号", "准考证号", "人员编号"))
    by_id = {c.id: c for c in candidates}
    accounts: list[Account] = []
    seen: dict[str, int] = {}
    for row_no, cells in table.rows:
        pid = normalise(cells.get(id_header))
        cand = by_id.get(pid)
        if cand is None:   # read_roster already named this row's problem
            continue
        raw_role = normalise(cells.get(role_header)) if role_header else ""
        role = _ROLE_BY_LABEL.get(raw_role.replace(" ", "")) if raw_role else ROLES[0]
        if role is None:
            errors.append(RowError(row_no, "角色", f"“{raw_role}”不是可用的角色，请填 学员、考生、考官、培训师 或 领导（空着即学员）"))
            continue
        try:
            login = linux_name(pid)
        except IdError as e:
            errors.append(RowError(row_no, "编号", str(e)))
            continue
        if len(login) > LINUX_NAME_MAX:
            errors.append(RowError(row_no, "编号", f"“{pid}”超过 {LINUX_NAME_MAX} 个字符，不能作为系统账号名"))
            continue
        if login in seen:
            errors.append(RowError(row_no, "编号", f"与第 {seen[login]} 行的编号只差大小写（登录名都是 {login}）"))
            continue
        problem = _foreign_account(login, layout)
        if problem:
            errors.append(RowError(row_no, "编号", problem))
            continue
        seen[login] = row_no
        accounts.append(Account(row_no, pid, cand.name, cand.unit, role.key))
    errors.sort(key=lambda e: (e.row or 0))
    return ([], errors) if errors else (accounts, [])


def _foreign_account(login: str, layout: Layout) -> str | None:
    """A problem if ``login`` is an existing system account that 清风 did not create."""
    if login in (layout.grader_user, layout.progress_user, "root"):
        return f"“{login}”是系统保留账号，不能作为考生或工作人员的编号"
    try:
        pw = pwd.getpwnam(login)
    except KeyError:
        return None
    if login not in _members(layout.users_group):
        return f"本机已有系统账号“{login}”且不是清风创建的，不能占用（uid {pw.pw_uid}）"
    return None


def _members(group: str) -> set[str]:
    try:
        return set(grp.getgrnam(group).gr_mem)
    except KeyError:
        return set()


def _run(*cmd: str, stdin: str | None = None) -> None:
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AccountsError(f"{' '.join(cmd[:2])} 失败：{proc.stderr.strip() or proc.stdout.strip()}")


def new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(10))


def ensure_groups(layout: Layout, undo: list) -> list[str]:
    created = []
    for g in layout.all_groups():
        try:
            grp.getgrnam(g)
        except KeyError:
            _run("groupadd", g)
            created.append(g)
            undo.append(("groupdel", g))
    return created


def _groups_for(account: Account, layout: Layout) -> list[str]:
    groups = [layout.users_group, layout.role_group(account.role)]
    if account.role in ("examiner", "trainer"):
        groups.append(layout.staff_group)
    return groups


def apply_accounts(accounts: list[Account], layout: Layout, reset: set[str] = frozenset(),
                   home_base: Path = Path("/home")) -> AccountsReport:
    """Create what is missing, update roles, set passwords; undo this run's changes on any failure."""
    if os.geteuid() != 0:
        raise AccountsError("创建系统账号需要 root 权限：请用 root（或 sudo）运行 qingfeng hub accounts")
    reset_logins = {linux_name(r) for r in reset}
    unknown = reset_logins - {a.login for a in accounts}
    if unknown:
        raise AccountsError(f"--reset-password 指定的编号不在名单中：{'、'.join(sorted(unknown))}")
    report = AccountsReport()
    undo: list[tuple[str, ...]] = []
    ours = set(layout.hub_groups()) | {layout.staff_group}
    try:
        report.groups_created = ensure_groups(layout, undo)
        for a in accounts:
            wanted = _groups_for(a, layout)
            try:
                pwd.getpwnam(a.login)
                exists = True
            except KeyError:
                exists = False
            if not exists:
                _run("useradd", "--create-home", "--home-dir", str(home_base / a.login), "--shell", "/bin/bash",
                     "--user-group", "--groups", ",".join(wanted), "--comment", f"qingfeng {a.role}", a.login)
                undo.append(("userdel", "--remove", a.login))
                os.chmod(home_base / a.login, 0o700)
                report.created.append(a)
                report.passwords[a.login] = new_password()
            else:
                current = {g.gr_name for g in grp.getgrall() if a.login in g.gr_mem}
                for g in (current & ours) - set(wanted):
                    _run("gpasswd", "--delete", a.login, g)
                missing = set(wanted) - current
                if missing:
                    _run("usermod", "--append", "--groups", ",".join(sorted(missing)), a.login)
                if (current & ours) != (set(wanted) & ours):
                    report.updated.append(a)
                if a.login in reset_logins:
                    report.passwords[a.login] = new_password()
        if report.passwords:
            _run("chpasswd", stdin="".join(f"{login}:{pw}\n" for login, pw in report.passwords.items()))
    except Exception as e:
        for cmd in reversed(undo):
            subprocess.run(cmd, capture_output=True)
        if isinstance(e, AccountsError):
            raise AccountsError(f"{e}；本次创建的账号和用户组已全部撤销") from None
        raise
    return report




def write_password_sheet(path: Path, accounts: list[Account], report: AccountsReport, hub_url: str = "") -> Path:
    """账号密码单.xlsx, readable by its owner only (0600), written whole or not at all."""
    from openpyxl import Workbook

    from ..spreadsheet import safe_cell

    wb = Workbook()
    ws = wb.active
    ws.title = "账号密码单"
    ws.append([safe_cell(h) for h in PASSWORD_SHEET_HEADERS])
    created = {a.login for a in report.created}
    for a in accounts:
        pw = report.passwords.get(a.login)
        note = "新建账号" if a.login in created else ("密码已重置" if pw else "账号已存在，密码未改动")
        if hub_url:
            note += f"；登录地址 {hub_url}"
        ws.append([safe_cell(v) for v in (a.person_id, a.name, a.unit, a.role_label, a.login, pw or "（沿用原密码）", note)])
    for col, width in zip("ABCDEFG", (14, 10, 20, 8, 14, 14, 40)):
        ws.column_dimensions[col].width = width
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        wb.save(fh)
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return path
