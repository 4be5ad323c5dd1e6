"""Accounts from the roster, per-role settings and the outside-roster rule, without touching the system."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from qingfeng.hub.accounts import AccountsReport, read_accounts, write_password_sheet
from qingfeng.hub.layout import Layout
from qingfeng.hub.prepare import write_role_config

HEAD = ("编号", "姓名", "单位", "部门", "岗位", "角色")


def sheet(path: Path, rows) -> Path:
    wb = Workbook()
    for r in [HEAD, *rows]:
        wb.active.append(list(r))
    wb.save(path)
    return path


@pytest.fixture
def lay(tmp_path):
    return Layout(tmp_path / "root", "qfunit")


def test_group_names_follow_nbgrader_conventions_and_live_in_one_namespace(lay):
    assert lay.role_group("learner") == "nbgrader-qfunit" and lay.examiners_group == "formgrade-qfunit"
    assert lay.role_group("trainer") == "qfunit-trainers" and lay.role_group("leader") == "qfunit-leaders"
    assert lay.grader_user == "grader-qfunit" and lay.users_group == "qfunit-users"
    assert Layout(Path("/x")).examiners_group == "formgrade-qingfeng"


def test_roles_by_label_alias_or_blank_and_logins_in_lower_case(tmp_path, lay):
    path = sheet(tmp_path / "名单.xlsx", [("R001", "张一", "交通局", "", "", "考生"), ("r002", "李二", "交通局", "", "", ""),
                                          ("E01", "王三", "纪委", "", "", "考官"), ("T01", "赵四", "党校", "", "", "讲师"),
                                          ("L01", "钱五", "区委", "", "", "领导")])
    accounts, errors = read_accounts(path, lay)
    assert errors == []
    assert [(a.person_id, a.login, a.role) for a in accounts] == [
        ("R001", "r001", "learner"), ("r002", "r002", "learner"), ("E01", "e01", "examiner"),
        ("T01", "t01", "trainer"), ("L01", "l01", "leader")]


def test_every_bad_row_is_named_and_nothing_is_returned(tmp_path, lay):
    path = sheet(tmp_path / "名单.xlsx", [("R001", "张一", "交通局", "", "", "考生"), ("r001", "张一", "交通局", "", "", ""),
                                          ("R003", "王三", "交通局", "", "", "校长"), ("daemon", "冒名", "某局", "", "", ""),
                                          ("A" * 33, "长", "某局", "", "", ""), ("grader-qfunit", "阅卷", "某局", "", "", ""),
                                          ("R007", "", "某局", "", "", "")])
    accounts, errors = read_accounts(path, lay)
    assert accounts == []
    got = {(e.row, e.column) for e in errors}
    assert {(3, "编号"), (4, "角色"), (5, "编号"), (6, "编号"), (7, "编号"), (8, "姓名")} <= got
    text = "\n".join(map(str, errors))
    assert "只差大小写" in text and "校长" in text and "不是清风创建的" in text and "32" in text and "系统保留" in text


def test_password_sheet_is_private_and_never_a_formula(tmp_path, lay):
    path = sheet(tmp_path / "名单.xlsx", [("R001", "@SUM(A1)", "-交通局", "", "", "")])
    accounts, _ = read_accounts(path, lay)
    report = AccountsReport(created=list(accounts), passwords={"r001": "abcDEF2345"})
    out = write_password_sheet(tmp_path / "账号密码单.xlsx", accounts, report, "http://127.0.0.1:8000/")
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    row = [c for c in next(load_workbook(out).active.iter_rows(min_row=2))]
    assert [c.value for c in row[:6]] == ["R001", "'@SUM(A1)", "'-交通局", "学员", "r001", "abcDEF2345"]
    assert all(c.data_type != "f" for c in row) and "http://127.0.0.1:8000/" in row[6].value


def test_learners_lose_formgrader_staff_lose_the_assignments_panel_and_all_share_the_exchange(lay):
    def cfg(role):
        folder = write_role_config(lay, role)
        page = json.loads((folder / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
        server = json.loads((folder / "jupyter_server_config.json").read_text())["ServerApp"]["jpserver_extensions"]
        return set(page), server, (folder / "nbgrader_config.py").read_text()

    page, server, nbg = cfg("learner")
    # learners fetch in the Chinese 我的考试 panel, which calls nbgrader's assignment_list server extension (kept)
    assert page == {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list",
                    "@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu", "@jupyter/nbgrader:validate-assignment",
                    "@jupyter-notebook/lab-extension"}
    # a candidate's server starts only what the exam needs: no Notebook 7 pages, terminal or language-server scan
    assert server == {"nbgrader.server_extensions.formgrader": False, "nbgrader.server_extensions.course_list": False,
                      "notebook": False, "notebook_shim": False, "jupyter_server_terminals": False, "jupyter_lsp": False}
    assert "nbgrader.server_extensions.assignment_list" not in server   # fetch and submit stay
    assert str(lay.exchange) in nbg and "'qingfeng'" in nbg
    page, server, _ = cfg("grader")
    assert page == {"@jupyter/nbgrader:assignment-list"}
    assert server == {"nbgrader.server_extensions.assignment_list": False, "jupyter_lsp": False}
    page, server, _ = cfg("trainer")
    assert "@jupyter/nbgrader:assignment-list" in page and server["nbgrader.server_extensions.formgrader"] is False
    assert "jupyter_server_terminals" not in server and "@jupyter-notebook/lab-extension" not in page  # trainers keep both


def test_papers_from_outside_the_roster_are_set_aside(tmp_path):
    from qingfeng.exam.outside_roster import set_aside_outside_roster
    from qingfeng.project import find_project

    from .exam_course import copy_project

    project = find_project(copy_project(tmp_path / "proj"))
    sub = project.exams_dir / "submitted"
    for who in ("c01", "zz9"):
        (sub / who / "q4").mkdir(parents=True)
        (sub / who / "q4" / "q4.ipynb").write_text("{}")
    assert set_aside_outside_roster(project, "q4") == []          # no roster: one person's JupyterLab, nothing moved
    (project.exams_dir / "roster.csv").write_text("编号,姓名,单位,部门,岗位\nC01,张一,交通局,,\n", encoding="utf-8-sig")
    assert set_aside_outside_roster(project, "q4") == ["zz9"]
    assert sorted(p.name for p in sub.iterdir()) == ["c01"]
    assert (project.exams_dir / "outside_roster" / "zz9" / "q4" / "q4.ipynb").is_file()


def test_course_settings_are_set_in_place_and_other_lines_kept(lay):
    import tomllib

    from qingfeng.hub.prepare import set_course_setting, set_gradebook

    lay.course.mkdir(parents=True)
    toml = lay.course / "qingfeng.toml"
    toml.write_text('[paths]\nshared = "../shared"\n\n[marking]\n# 备份\nkeep_backups = 5\n', encoding="utf-8")
    set_course_setting(lay, "marking", "examiners_group", lay.examiners_group)
    set_course_setting(lay, "marking", "examiners_group", lay.examiners_group)      # idempotent
    set_gradebook(lay, "postgresql+psycopg://qingfeng@127.0.0.1:54320/qingfeng", "/srv/x/postgres/password")
    cfg = tomllib.loads(toml.read_text(encoding="utf-8"))
    assert cfg["marking"] == {"keep_backups": 5, "examiners_group": "formgrade-qfunit"}
    assert cfg["gradebook"]["db_url"].endswith("@127.0.0.1:54320/qingfeng") and cfg["paths"]["shared"] == "../shared"
    assert "# 备份" in toml.read_text(encoding="utf-8")


def test_an_older_course_copys_nbgrader_settings_are_brought_up_to_date(lay):
    """The course copy keeps its content between `hub prepare` runs, but its exams/nbgrader_config.py is the
    project's code: one from an older version (nbgrader's Execute still in autograde) is replaced."""
    from qingfeng.hub.prepare import _course_config
    from qingfeng.project import find_project

    source = find_project()
    old = lay.course / "exams" / "nbgrader_config.py"
    old.parent.mkdir(parents=True)
    old.write_text("c = get_config()  # an older version's settings\n", encoding="utf-8")
    assert _course_config(source, lay) is True
    assert "guarded_execute.MarkWithoutRunning" in old.read_text(encoding="utf-8")
    assert _course_config(source, lay) is False  # up to date: nothing written
