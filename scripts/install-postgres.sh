#!/usr/bin/env bash
# Install Debian's PostgreSQL 15 server binaries for deploy/postgres.sh and the tests that run on the
# PostgreSQL gradebook. Only the binaries are used: the project starts its own cluster in var/postgres
# (or a throw-away one in /tmp for tests) and never uses Debian's 15/main cluster.
set -euo pipefail
BIN="${QINGFENG_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ -x "$BIN/initdb" ] && [ -x "$BIN/pg_dump" ] && getent passwd postgres >/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; else
    echo "提示：没有 root 权限，无法安装 PostgreSQL 15；PostgreSQL 成绩库的测试将被跳过（CI 中则会失败）。" >&2
    echo "      以 root 运行 apt-get install postgresql-15 后即可运行它们。" >&2
    [ "${CI:-}" = "true" ] && exit 1
    exit 0
  fi
fi
echo "正在安装 Debian PostgreSQL 15（成绩库测试与部署用）……"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql-15 >/dev/null
"$BIN/initdb" --version
