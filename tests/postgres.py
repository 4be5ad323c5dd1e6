"""A throw-away PostgreSQL cluster for tests, started by the project's own deploy/postgres.sh.

Session-scoped: one server per test run in a fresh /tmp folder on a free loopback port, stopped and
removed afterwards (qingfeng.pgserver). Each test that needs a clean database asks
``PgServer.new_database()``. In CI (CI=true) a server that does not start is a failure, never a skip.
"""
from __future__ import annotations

import os

import pytest

from qingfeng.pgserver import SCRIPT, PgServer, PgServerError, throwaway

__all__ = ["SCRIPT", "PgServer", "start_throwaway", "stop_throwaway", "pg_server"]


def start_throwaway() -> PgServer:
    try:
        return throwaway()
    except PgServerError as e:
        message = f"PostgreSQL 测试服务器没有启动：{e}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def stop_throwaway(server: PgServer) -> None:
    server.discard()


@pytest.fixture(scope="session")
def pg_server():
    server = start_throwaway()
    yield server
    stop_throwaway(server)
