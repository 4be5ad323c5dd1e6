"""Both gradebook backends for one test suite: SQLite (the single-user default) and PostgreSQL.

A module-scoped course fixture that takes ``gradebook_backend`` runs its module's tests once per
backend. The PostgreSQL variant gives each project its own database on the session's throw-away
server (tests/postgres.py), written into the project's qingfeng.toml as an examiner would:
``[gradebook] db_url`` (no password) + ``password_file``.
"""
from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from .postgres import PgServer


@dataclass
class Backend:
    name: str
    server: PgServer | None = None

    def __str__(self) -> str:
        return self.name

    def settings(self) -> dict | None:
        """A fresh ``[gradebook]`` section (None: SQLite default)."""
        if self.server is None:
            return None
        return {"db_url": self.server.new_database("gb"), "password_file": str(self.server.password_file)}

    def clone(self, src: Path, dst: Path) -> None:
        """Copy a whole project folder, gradebook included (PostgreSQL: CREATE DATABASE … TEMPLATE)."""
        shutil.copytree(src, dst)
        if self.server is None:
            return
        import psycopg

        from qingfeng.exam.gradebook_db import dispose_engines, locate
        from qingfeng.project import find_project

        dispose_engines()
        old = locate(find_project(src)).url.rsplit("/", 1)[1]
        new = self.server.new_database("gb").rsplit("/", 1)[1]
        with psycopg.connect(host="127.0.0.1", port=self.server.port, dbname="qingfeng", user="qingfeng",
                             password=self.server.password_file.read_text().strip(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{new}"')
            conn.execute(f'CREATE DATABASE "{new}" TEMPLATE "{old}"')
        toml = dst / "qingfeng.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace(f"/{old}\"", f"/{new}\""), encoding="utf-8")


def fingerprint(project) -> str:
    """A hash of every row of every gradebook table: equal before and after means nothing was written."""
    from sqlalchemy import inspect, text

    from qingfeng.exam.gradebook_db import connect, locate

    h = hashlib.sha256()
    with connect(locate(project), readonly=True) as con:
        for table in sorted(inspect(con).get_table_names()):
            rows = sorted(repr(tuple(r)) for r in con.execute(text(f'SELECT * FROM "{table}"')))
            h.update(f"{table}:{len(rows)}:".encode() + "\n".join(rows).encode())
    return h.hexdigest()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def gradebook_backend(request) -> Backend:
    if request.param == "sqlite":
        return Backend("sqlite")
    return Backend("postgresql", request.getfixturevalue("pg_server"))
