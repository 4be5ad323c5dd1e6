"""One gradebook setting for qingfeng, nbgrader and formgrader: lookup order, secrets, the info command."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from qingfeng.cli.main import cli
from qingfeng.exam.gradebook_db import GradebookConfigError, gradebook_url, locate
from qingfeng.project import find_project


def _project(tmp_path, gradebook: str = ""):
    root = tmp_path / "p"
    (root / "exams").mkdir(parents=True)
    (root / "qingfeng.toml").write_text(gradebook, encoding="utf-8")
    return find_project(root)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ("QINGFENG_DB_URL", "QINGFENG_DB_PASSWORD_FILE"):
        monkeypatch.delenv(name, raising=False)


def test_default_is_sqlite_in_the_course_folder(tmp_path):
    loc = locate(_project(tmp_path))
    assert loc.backend == "sqlite" and loc.sqlite_path == tmp_path / "p" / "exams" / "gradebook.db"
    assert "默认" in loc.source


def test_postgresql_url_takes_its_password_from_the_file_and_never_shows_it(tmp_path):
    (tmp_path / "secret").write_text("s3cret-pw\n", encoding="utf-8")
    p = _project(tmp_path, '[gradebook]\ndb_url = "postgresql://qingfeng@127.0.0.1:54320/qingfeng"\npassword_file = "../secret"\n')
    loc = locate(p)
    assert loc.url == "postgresql+psycopg://qingfeng:s3cret-pw@127.0.0.1:54320/qingfeng"
    assert loc.shown == "postgresql+psycopg://qingfeng:***@127.0.0.1:54320/qingfeng"
    assert gradebook_url(p.exams_dir) == loc.url  # what exams/nbgrader_config.py hands nbgrader


def test_environment_wins_and_relative_sqlite_paths_are_from_the_project_root(tmp_path, monkeypatch):
    p = _project(tmp_path, '[gradebook]\ndb_url = "sqlite:///data/gb.db"\n')
    assert locate(p).sqlite_path == p.root / "data" / "gb.db"
    monkeypatch.setenv("QINGFENG_DB_URL", "postgresql+psycopg://u:pw@127.0.0.1:5999/x")
    loc = locate(p)
    assert loc.url.endswith("u:pw@127.0.0.1:5999/x") and "QINGFENG_DB_URL" in loc.source


def test_copies_keep_their_own_gradebook_whatever_the_environment_says(tmp_path, monkeypatch, repo):
    from qingfeng.project import copy_project

    monkeypatch.setenv("QINGFENG_DB_URL", "postgresql+psycopg://u:pw@127.0.0.1:5999/the_real_one")
    copy = copy_project(find_project(repo), tmp_path / "bench")
    assert locate(copy).sqlite_path == copy.exams_dir / "gradebook.db"
    other = copy_project(find_project(repo), tmp_path / "t", gradebook={"db_url": "postgresql://x@127.0.0.1:6000/t"})
    assert locate(other).url == "postgresql+psycopg://x@127.0.0.1:6000/t"


@pytest.mark.parametrize("setting,message", [
    ('db_url = "postgresql://u:pw@127.0.0.1/x"', "写了密码"),
    ('db_url = "mysql://u@127.0.0.1/x"', "只支持 SQLite 和 PostgreSQL"),
    ('db_url = "postgresql://u@127.0.0.1/x"\npassword_file = "nope.txt"', "nope.txt"),
])
def test_bad_settings_are_named(tmp_path, setting, message):
    with pytest.raises(GradebookConfigError, match=message):
        locate(_project(tmp_path, f"[gradebook]\n{setting}\n"))


@pytest.mark.slow
def test_info_shows_what_nbgrader_really_uses_and_flags_a_stale_config(tmp_path, repo, pg_server):
    from qingfeng.project import copy_project

    root = copy_project(find_project(repo), tmp_path / "proj",
                        gradebook={"db_url": pg_server.url, "password_file": pg_server.password_file}).root
    r = CliRunner().invoke(cli, ["--root", str(root), "gradebook", "info"])
    assert r.exit_code == 0, r.output
    shown = f"postgresql+psycopg://qingfeng:***@127.0.0.1:{pg_server.port}/qingfeng"
    assert f"成绩库：PostgreSQL {shown}" in r.output and "可以连接" in r.output
    assert r.output.count(shown) == 3 and pg_server.password_file.read_text().strip() not in r.output
    # an old course settings file that still hard-codes SQLite: nbgrader would silently use another database
    cfg = root / "exams" / "nbgrader_config.py"
    cfg.write_text(cfg.read_text(encoding="utf-8") + '\nc.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")\n',
                   encoding="utf-8")
    r = CliRunner().invoke(cli, ["--root", str(root), "gradebook", "info"])
    assert r.exit_code != 0 and "与上面不一致" in r.output and "不一致" in r.output
