"""deploy/postgres.sh: the project's own PostgreSQL server, driven through the real script."""
from __future__ import annotations

import grp
import os
import stat

import psycopg
import pytest

from .postgres import start_throwaway, stop_throwaway

pytestmark = pytest.mark.slow


def connect(server, password):
    return psycopg.connect(host="127.0.0.1", port=server.port, dbname="qingfeng", user="qingfeng",
                           password=password, autocommit=True, connect_timeout=10)


def test_start_is_idempotent_and_stop_keeps_data():
    server = start_throwaway()
    try:
        assert server.run("status").stdout.startswith("running")
        password = server.password_file.read_text().strip()
        with connect(server, password) as conn:
            conn.execute("CREATE TABLE kept (x int)")
            conn.execute("INSERT INTO kept VALUES (42)")
        server.run("start")  # a second start changes nothing
        server.run("stop")
        stopped = server.run("status", check=False)
        assert stopped.returncode == 3 and stopped.stdout.startswith("stopped")
        server.run("start")
        with connect(server, password) as conn:
            assert conn.execute("SELECT x FROM kept").fetchall() == [(42,)]
        assert server.password_file.read_text().strip() == password  # the secret is not regenerated
        # the examiners' account may be given read access through a group, and taken back
        os.environ["QINGFENG_PG_SECRET_GROUP"] = "postgres"
        try:
            server.run("start")
        finally:
            del os.environ["QINGFENG_PG_SECRET_GROUP"]
        st = server.password_file.stat()
        assert stat.S_IMODE(st.st_mode) == 0o640 and grp.getgrgid(st.st_gid).gr_name == "postgres"
        server.run("start")
        assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600
    finally:
        stop_throwaway(server)


def test_loopback_only_password_only_and_secret_not_in_url(pg_server):
    url = pg_server.url
    password = pg_server.password_file.read_text().strip()
    assert url == f"postgresql+psycopg://qingfeng@127.0.0.1:{pg_server.port}/qingfeng"
    assert password and password not in url
    mode = stat.S_IMODE(pg_server.password_file.stat().st_mode)
    assert mode & 0o077 == 0  # root only unless QINGFENG_PG_SECRET_GROUP names a group
    with connect(pg_server, password) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        assert conn.execute("SHOW password_encryption").fetchone() == ("scram-sha-256",)
    hba = (pg_server.var / "postgres" / "data" / "pg_hba.conf").read_text()
    methods = {line.split()[-1] for line in hba.splitlines() if line.strip() and not line.startswith("#")}
    assert methods == {"peer", "scram-sha-256"}
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        connect(pg_server, "wrong-" + password)
    with pytest.raises(psycopg.OperationalError):  # the superuser has no password over TCP
        psycopg.connect(host="127.0.0.1", port=pg_server.port, dbname="postgres", user="postgres",
                        password=password, connect_timeout=10)


def test_refuses_the_system_port_and_non_loopback(tmp_path):
    import subprocess

    from .postgres import SCRIPT

    for env, word in [({"QINGFENG_PG_PORT": "5432"}, "5432"), ({"QINGFENG_PG_HOST": "0.0.0.0"}, "回环")]:
        result = subprocess.run(["bash", str(SCRIPT), "start"], env={**os.environ, "QINGFENG_VAR": str(tmp_path), **env},
                                capture_output=True, text=True)
        assert result.returncode != 0 and word in result.stderr
        assert not (tmp_path / "postgres").exists()


def test_a_port_already_in_use_is_named_before_anything_is_created(tmp_path):
    import socket
    import subprocess

    from .postgres import SCRIPT

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True,
                                env={**os.environ, "QINGFENG_VAR": str(tmp_path), "QINGFENG_PG_PORT": str(port)})
    assert result.returncode != 0 and f"127.0.0.1:{port} 已被其他程序占用" in result.stderr
    assert "QINGFENG_PG_PORT" in result.stderr and not (tmp_path / "postgres").exists()
