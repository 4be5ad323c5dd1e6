#!/usr/bin/env bash
# Install Debian's PostgreSQL 15 server binaries for deploy/postgres.sh and the tests that run on the
# PostgreSQL gradebook. Only the binaries are used: the project starts its own cluster in var/postgres
# (or a throw-away one in /tmp for tests) and never uses Debian's 15/main cluster.
set -euo pipefail
BIN="${QINGFENG_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ -x "$BIN/initdb" ] && [ -x "$BIN/pg_dump" ] && getent passwd postgres >/dev/null; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" " Debian PostgreSQL 15（成绩库测试与部署用）" postgresql-15
[ -x "$BIN/initdb" ] && "$BIN/initdb" --version || true
