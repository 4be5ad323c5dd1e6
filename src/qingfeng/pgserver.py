"""The project's PostgreSQL launcher (``deploy/postgres.sh``) driven from Python.

:func:`throwaway` starts a private server in a fresh /tmp folder on a free loopback port, for
tests and benchmarks, through the very script a deployment uses; :meth:`PgServer.discard` stops
it and removes its folder.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SCRIPT", "PgServer", "PgServerError", "throwaway"]

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "postgres.sh"


class PgServerError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    var: Path
    port: int
    script: Path = SCRIPT

    @property
    def env(self) -> dict[str, str]:
        return {"QINGFENG_VAR": str(self.var), "QINGFENG_PG_PORT": str(self.port)}

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(["bash", str(self.script), *args], env={**os.environ, **self.env},
                              capture_output=True, text=True, timeout=120)
        if check and proc.returncode != 0:
            raise PgServerError(f"deploy/postgres.sh {' '.join(args)} 失败：{proc.stderr.strip()}")
        return proc

    @property
    def url(self) -> str:
        """The SQLAlchemy URL without password (what ``deploy/postgres.sh url`` prints)."""
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

    def discard(self) -> None:
        try:
            self.run("stop", check=False)
        finally:
            shutil.rmtree(self.var, ignore_errors=True)


def throwaway(script: Path = SCRIPT) -> PgServer:
    """Start a private server; raises :class:`PgServerError` (folder removed) when it does not start."""
    var = Path(tempfile.mkdtemp(prefix="qingfeng-pg-"))
    var.chmod(0o755)  # the server's OS account must be able to enter it
    server = PgServer(var=var, port=_free_port(), script=script)
    try:
        server.run("start")
    except (PgServerError, OSError, subprocess.TimeoutExpired):
        server.discard()
        raise
    return server
