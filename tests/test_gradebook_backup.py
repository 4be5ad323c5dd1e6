"""Backups before writes, on both backends, and the README's way back from one."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess

import pytest
from sqlalchemy.engine import make_url

from qingfeng.exam import course
from qingfeng.exam.gradebook_db import backup, backups, dispose_engines, locate
from qingfeng.project import find_project

from .exam_course import copy_project
from .gradebooks import Backend

pytestmark = pytest.mark.slow


def _students(project) -> set[str]:
    with course.open_gradebook(project) as gb:
        return {s.id for s in gb.students}


def test_backup_then_restore_gives_back_the_gradebook_as_it_was(tmp_path, gradebook_backend):
    project = find_project(copy_project(tmp_path / "proj", gradebook_backend))
    with course.open_gradebook(project) as gb:
        gb.update_or_create_student("c01", last_name="张一")
    loc = locate(project)
    saved = backup(loc)
    assert saved.parent == project.exams_dir and saved.stat().st_size > 0
    with course.open_gradebook(project) as gb:
        gb.update_or_create_student("c02", last_name="李二")
    assert _students(project) == {"c01", "c02"}
    dispose_engines()
    if loc.backend == "sqlite":
        assert saved.name.startswith("gradebook.db.bak-")
        shutil.copy(saved, loc.sqlite_path)
    else:
        assert saved.name.startswith("gradebook-pg.bak-") and saved.suffix == ".dump"
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600 and saved.read_bytes()[:5] == b"PGDMP"  # pg_dump custom format
        url = make_url(loc.url)
        subprocess.run(["/usr/lib/postgresql/15/bin/pg_restore", "--clean", "--if-exists", "-h", url.host, "-p", str(url.port),
                        "-U", url.username, "-d", url.database, str(saved)],
                       env={**os.environ, "PGPASSWORD": url.password}, check=True, capture_output=True)
    assert _students(project) == {"c01"}
    # only the newest N are kept when asked ([marking] keep_backups on the marking branch)
    for _ in range(3):
        newest = backup(loc, keep=2)
    assert backups(loc) == sorted(backups(loc)) and len(backups(loc)) == 2 and newest in backups(loc)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in backups(loc))


def test_a_failed_pg_dump_raises_and_leaves_no_half_file(tmp_path, pg_server, monkeypatch):
    project = find_project(copy_project(tmp_path / "proj", Backend("postgresql", pg_server)))
    with course.open_gradebook(project) as gb:
        gb.update_or_create_student("c01", last_name="张一")
    monkeypatch.setenv("QINGFENG_PG_BIN", str(tmp_path / "bin"))
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "pg_dump").write_text("#!/bin/sh\necho 'disk full' >&2\nexit 1\n")
    (tmp_path / "bin" / "pg_dump").chmod(0o755)
    with pytest.raises(RuntimeError, match="备份（pg_dump）失败.*disk full"):
        backup(locate(project))
    assert not list(project.exams_dir.glob("gradebook-pg.bak-*"))
