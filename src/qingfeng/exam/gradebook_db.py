"""Where the gradebook lives: ONE setting read by qingfeng, nbgrader's command line and formgrader.

Looked up in this order (the first one set wins):

1. environment variable ``QINGFENG_DB_URL`` (may carry a password: it is not committed);
2. ``[gradebook] db_url`` in qingfeng.toml (must NOT carry a password: the file is in git);
3. the single-user default, SQLite ``exams/gradebook.db``.

``[gradebook] use_env = false`` makes a project ignore the two environment variables (copies made by
:func:`~qingfeng.project.copy_project` for benchmarks, the demo and tests say so).

A PostgreSQL URL without password takes it from the first line of a password file:
``QINGFENG_DB_PASSWORD_FILE`` or ``[gradebook] password_file`` (relative to the project root),
e.g. the file ``deploy/postgres.sh password-file`` prints. ``exams/nbgrader_config.py`` sets
``CourseDirectory.db_url`` from :func:`gradebook_url`, so every tool opens the same database.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..project import Project, ProjectNotFound, find_project

__all__ = ["GradebookLocation", "GradebookConfigError", "locate", "gradebook_url", "as_location", "connect", "driver_query",
           "submitted_notebooks", "backup", "backups", "prune_backups", "nbgrader_sees",
           "dispose_engines"]


class GradebookConfigError(ProjectNotFound, ValueError):
    """A bad gradebook setting (shown by the CLI as one Chinese line, like any project settings error)."""


@dataclass(frozen=True)
class GradebookLocation:
    url: str  # full SQLAlchemy URL, password included: never print it, print `shown`
    source: str  # where the setting came from, in Chinese
    folder: Path  # where backups go (the course folder)

    @property
    def backend(self) -> str:
        return "sqlite" if self.url.startswith("sqlite") else "postgresql"

    @property
    def shown(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.url.split(":///", 1)[1]) if self.backend == "sqlite" else None


def _password(project: Project, configured: str | None, use_env: bool) -> str | None:
    name = (os.environ.get("QINGFENG_DB_PASSWORD_FILE") if use_env else None) or configured
    if not name:
        return None
    path = Path(name) if os.path.isabs(name) else project.root / name
    try:
        return path.read_text(encoding="utf-8").splitlines()[0].strip()
    except (OSError, IndexError) as e:
        raise GradebookConfigError(f"读不到成绩库密码文件 {path}（[gradebook] password_file / QINGFENG_DB_PASSWORD_FILE）：{e}") from None


def locate(project: Project) -> GradebookLocation:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    section = project.config().get("gradebook", {})
    default = "sqlite:///" + str(project.exams_dir / "gradebook.db")
    use_env = section.get("use_env", True) is not False
    if use_env and os.environ.get("QINGFENG_DB_URL"):
        raw, source = os.environ["QINGFENG_DB_URL"], "环境变量 QINGFENG_DB_URL"
    elif section.get("db_url"):
        raw, source = str(section["db_url"]), f"{project.config_file.name} 的 [gradebook] db_url"
    else:
        return GradebookLocation(default, "默认（单机 SQLite）", project.exams_dir)
    try:
        url = make_url(raw)
    except ArgumentError:
        raise GradebookConfigError(f"{source} 不是数据库地址：{raw!r}") from None
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        url = url.set(database=str(path if path.is_absolute() else project.root / path))
    elif url.get_backend_name() == "postgresql":
        if url.password is not None and not source.startswith("环境变量"):
            raise GradebookConfigError(f"{source} 里写了密码：qingfeng.toml 会进入 git，请改用 password_file")
        if "+" not in url.drivername:  # bare postgresql:// → the driver this project installs
            url = url.set(drivername="postgresql+psycopg")
        if url.password is None:
            password = _password(project, section.get("password_file"), use_env)
            if password:
                url = url.set(password=password)
    else:
        raise GradebookConfigError(f"{source}：只支持 SQLite 和 PostgreSQL，不支持 {url.get_backend_name()}")
    return GradebookLocation(url.render_as_string(hide_password=False), source, project.exams_dir)


def gradebook_url(start: str | os.PathLike) -> str:
    """The full URL for nbgrader's ``CourseDirectory.db_url`` (the project is found from ``start`` upward)."""
    return locate(find_project(start=start)).url


def as_location(db) -> GradebookLocation:
    """A location from a :class:`GradebookLocation`, a URL string or an SQLite file path."""
    if isinstance(db, GradebookLocation):
        return db
    if isinstance(db, Path):
        return GradebookLocation("sqlite:///" + str(db), "文件", db.parent)
    return GradebookLocation(str(db), "地址", Path.cwd())


_ENGINES: dict[tuple[str, bool], object] = {}


def connect(db, readonly: bool = False):
    """An SQLAlchemy connection; on SQLite transactions start with BEGIN IMMEDIATE and foreign keys are on."""
    from sqlalchemy import create_engine, event

    loc = as_location(db)
    key = (loc.url, readonly)
    if key not in _ENGINES:
        if loc.backend == "sqlite":
            path = loc.sqlite_path
            if readonly:  # never creates the file; the path is quoted for the URI form (spaces, #, ?)
                uri = f"file:{quote(str(path))}?mode=ro"
                engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=30,
                                                                                     check_same_thread=False))
            else:
                engine = create_engine(loc.url, connect_args={"timeout": 30})

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_con, record):
                dbapi_con.isolation_level = None  # we issue BEGIN ourselves
                dbapi_con.execute("PRAGMA foreign_keys = ON")

            @event.listens_for(engine, "begin")
            def _on_begin(conn):
                conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")
        else:
            engine = create_engine(loc.url, pool_pre_ping=True)
        _ENGINES[key] = engine
    return _ENGINES[key].connect()


def driver_query(con, sql: str, params: tuple | list = ()):
    """One statement written with ``?`` placeholders, in the driver's own style (SQLite ``?``, psycopg ``%s``),
    on a connection from :func:`connect`; a list of tuples runs it once per row (the driver's executemany).
    A literal ``%`` is written ``%%``."""
    if con.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    elif "%%" in sql:
        sql = sql.replace("%%", "%")
    return con.exec_driver_sql(sql, params)


def submitted_notebooks(con, exam_id: str) -> dict[str, str]:
    """submitted notebook id -> student, for one assignment (``con`` from :func:`connect`)."""
    return dict(driver_query(con, """SELECT sn.id, sa.student_id FROM submitted_notebook sn JOIN submitted_assignment sa
                               ON sa.id = sn.assignment_id JOIN assignment a ON a.id = sa.assignment_id WHERE a.name = ?""",
                             (exam_id,)).fetchall())


_PAGE_SIZE = 16384  # SQLite's default is 4096: larger pages make the millions of grade rows ~15% cheaper to insert
_VACUUM_UP_TO = 64 << 20  # bytes: a gradebook this small is rewritten with larger pages in well under a second


def use_large_pages(db) -> None:
    """Give a small SQLite gradebook 16 KB pages (``VACUUM``; nbgrader reads any page size).  Run when an
    exam is built, never inside marking: a refused import must leave the file byte for byte as it was."""
    loc = as_location(db)
    if loc.backend != "sqlite" or not loc.sqlite_path.is_file() or loc.sqlite_path.stat().st_size > _VACUUM_UP_TO:
        return
    con = sqlite3.connect(loc.sqlite_path, timeout=30, isolation_level=None)
    try:
        if con.execute("PRAGMA page_size").fetchone()[0] < _PAGE_SIZE:
            con.execute(f"PRAGMA page_size = {_PAGE_SIZE}")
            con.execute("VACUUM")
    finally:
        con.close()


def _pg_bin(name: str) -> str:
    for folder in (os.environ.get("QINGFENG_PG_BIN"), "/usr/lib/postgresql/15/bin"):
        if folder and (Path(folder) / name).is_file():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"找不到 {name}：PostgreSQL 成绩库备份需要它（可设 QINGFENG_PG_BIN）")
    return found


def backups(db) -> list[Path]:
    """The gradebook's backups, oldest first (their names sort by time)."""
    loc = as_location(db)
    if loc.backend == "sqlite":
        folder, pattern = loc.sqlite_path.parent, f"{loc.sqlite_path.name}.bak-*"
    else:
        folder, pattern = loc.folder, "gradebook-pg.bak-*.dump"
    return sorted(p for p in folder.glob(pattern) if p.is_file() and not p.is_symlink())


def prune_backups(db, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns the deleted ones."""
    old = backups(db)[:-keep] if keep > 0 else []
    for p in old:
        p.unlink()
    return old


def backup(db, keep: int | None = None) -> Path:
    """Copy the gradebook before a write (0600): SQLite → ``gradebook.db.bak-<time>`` beside it;
    PostgreSQL → ``pg_dump`` custom format ``gradebook-pg.bak-<time>.dump`` in the course folder.
    With ``keep``, only the newest ``keep`` backups stay.
    Restore: copy the file back, or ``pg_restore --clean --if-exists -d <database> <file>``."""
    loc = as_location(db)
    target = _backup_sqlite(loc) if loc.backend == "sqlite" else _backup_postgres(loc)
    if keep is not None:
        prune_backups(loc, keep)
    return target


def _backup_sqlite(loc: GradebookLocation) -> Path:
    path = loc.sqlite_path
    target = path.with_name(f"{path.name}.bak-{dt.datetime.now():%Y%m%d-%H%M%S-%f}")
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    src, dst = sqlite3.connect(path), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    os.chmod(target, 0o600)
    return target


def _backup_postgres(loc: GradebookLocation) -> Path:
    from sqlalchemy.engine import make_url

    stamp = f"{dt.datetime.now():%Y%m%d-%H%M%S-%f}"
    url = make_url(loc.url)
    target = loc.folder / f"gradebook-pg.bak-{stamp}.dump"
    env = {**os.environ, "PGPASSWORD": url.password or os.environ.get("PGPASSWORD", ""), "PGCONNECT_TIMEOUT": "15"}
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    proc = subprocess.run([_pg_bin("pg_dump"), "--format=custom", "--no-owner", f"--file={target}",
                           f"--host={url.host or '127.0.0.1'}", f"--port={url.port or 5432}",
                           f"--username={url.username or ''}", url.database or ""],
                          env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        target.unlink(missing_ok=True)
        raise RuntimeError(f"成绩库备份（pg_dump）失败，未写入任何成绩：{proc.stderr.strip()}")
    return target


_PROBE = ("from nbgrader.apps.nbgraderapp import NbGraderApp\n"
          "from sqlalchemy.engine import make_url\n"
          "app = NbGraderApp(); app.initialize([])\n"
          "print(make_url(app.coursedir.db_url).render_as_string(hide_password=True))\n")


def nbgrader_sees(project: Project) -> dict[str, str]:
    """The gradebook URL (password hidden) nbgrader itself resolves, from the two folders it is run in:
    the course folder (nbgrader's command line, qingfeng) and the project root (JupyterLab's formgrader).
    A stale ``~/.jupyter/nbgrader_config.py`` or ``/etc/jupyter`` file shows up here (nbgrader #1344/#1661)."""
    import sys

    seen = {}
    for label, cwd in (("nbgrader 命令行（exams/）", project.exams_dir), ("Formgrader（项目根目录）", project.root)):
        proc = subprocess.run([sys.executable, "-c", _PROBE], cwd=cwd, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONWARNINGS": "ignore"})
        lines = proc.stdout.strip().splitlines()
        seen[label] = lines[-1] if proc.returncode == 0 and lines else f"（读取失败：{proc.stderr.strip()[-300:]}）"
    return seen


def dispose_engines() -> None:
    """Close every pooled connection (before a database is copied, dropped or backed up elsewhere)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()
