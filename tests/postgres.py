"""A throw-away PostgreSQL cluster for tests, started by the project's own deploy/postgres.sh.

Session-scoped: one server per test run in a fresh /tmp folder on a free loopback port, stopped and
removed afterwards. Each test that needs a clean database asks `PgServer.new_database()`.
In CI (CI=true) a server that does not start is a failure, never a skip.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from .browser import free_port

SCRIPT = Path(__file__).resolve().parents[1] / "deploy" / "postgres.sh"


@dataclass
class PgServer:
    var: Path
    port: int

    @property
    def env(self) -> dict[str, str]:
        return {"QINGFENG_VAR": str(self.var), "QINGFENG_PG_PORT": str(self.port)}

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(SCRIPT), *args], env={**os.environ, **self.env}, check=check,
                              capture_output=True, text=True, timeout=120)

    @property
    def url(self) -> str:
        """The server's SQLAlchemy URL, without password (what `deploy/postgres.sh url` prints)."""
        return self.run("url").stdout.strip()

    @property
    def password_file(self) -> Path:
        return Path(self.run("password-file").stdout.strip())

    def url_for(self, database: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + database

    def new_database(self, prefix: str = "t") -> str:
        """Create an empty database owned by the application role; return its URL (no password)."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(host="127.0.0.1", port=self.port, dbname="qingfeng", user="qingfeng",
                             password=self.password_file.read_text().strip(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)


def start_throwaway() -> PgServer:
    var = Path(tempfile.mkdtemp(prefix="qingfeng-pg-"))
    var.chmod(0o755)  # the server's OS account must be able to enter it
    server = PgServer(var=var, port=free_port())
    result = server.run("start", check=False)
    if result.returncode != 0:
        shutil.rmtree(var, ignore_errors=True)
        message = f"PostgreSQL 测试服务器没有启动：{result.stderr.strip()}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return server


def stop_throwaway(server: PgServer) -> None:
    try:
        server.run("stop", check=False)
    finally:
        shutil.rmtree(server.var, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server():
    server = start_throwaway()
    yield server
    stop_throwaway(server)
