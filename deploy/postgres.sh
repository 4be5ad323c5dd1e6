#!/usr/bin/env bash
# 清风 qingfeng — the project's own PostgreSQL server (gradebook and learner progress on a Hub).
#
#   deploy/postgres.sh start    initialise (first time) and start; idempotent; ensures role and database
#   deploy/postgres.sh stop     stop (data kept)
#   deploy/postgres.sh status   print state; exit 0 when running, 3 when stopped
#   deploy/postgres.sh url      print the SQLAlchemy URL, WITHOUT the password
#   deploy/postgres.sh password-file   print the path of the password file
#
# Never touches the Debian cluster 15/main. Settings (environment, with defaults):
#   QINGFENG_VAR            project data root                     <repo>/var
#   QINGFENG_PG_HOST        listen address (loopback only)         127.0.0.1
#   QINGFENG_PG_PORT        TCP port                               54320
#   QINGFENG_PG_BIN         PostgreSQL binaries                    /usr/lib/postgresql/15/bin
#   QINGFENG_PG_OS_USER     OS account that runs the server        postgres
#   QINGFENG_PG_DB          database name                          qingfeng
#   QINGFENG_PG_ROLE        database role the application uses    qingfeng
#   QINGFENG_PG_SECRET_GROUP  group allowed to read the password file (0640); empty: root only (0600)
# Layout under $QINGFENG_VAR/postgres: data/ (server, 0700), run/ (socket, 0700), log/,
# password (the application role's password; 0600 root, or 0640 root:$QINGFENG_PG_SECRET_GROUP).
# The superuser (named like the OS account) has no password and logs in only by peer on run/.
# Authentication: scram-sha-256 on 127.0.0.1 for everyone; peer on the private socket for the
# server's own OS account only. Never "trust": on a Hub, candidates are local users of this machine.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VAR="${QINGFENG_VAR:-$(dirname "$HERE")/var}"
HOST="${QINGFENG_PG_HOST:-127.0.0.1}"
PORT="${QINGFENG_PG_PORT:-54320}"
BIN="${QINGFENG_PG_BIN:-/usr/lib/postgresql/15/bin}"
OS_USER="${QINGFENG_PG_OS_USER:-postgres}"
DB="${QINGFENG_PG_DB:-qingfeng}"
ROLE="${QINGFENG_PG_ROLE:-qingfeng}"
SECRET_GROUP="${QINGFENG_PG_SECRET_GROUP:-}"

ROOT="$VAR/postgres"
DATA="$ROOT/data"
RUN="$ROOT/run"
LOG="$ROOT/log"
PWFILE="$ROOT/password"

die() { echo "deploy/postgres.sh: $*" >&2; exit 1; }

case "$HOST" in
  127.*|localhost) ;;
  *) die "QINGFENG_PG_HOST=$HOST 不是本机回环地址：本项目的数据库只监听 127.0.0.1" ;;
esac
[[ "$PORT" =~ ^[0-9]+$ ]] || die "QINGFENG_PG_PORT=$PORT 不是端口号"
[ "$PORT" != 5432 ] || die "端口 5432 属于系统自带的数据库，请换一个端口（QINGFENG_PG_PORT）"
[[ "$ROLE" =~ ^[a-z_][a-z0-9_]*$ ]] || die "QINGFENG_PG_ROLE=$ROLE 只能由小写字母、数字和下划线组成"
[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "QINGFENG_PG_DB=$DB 只能由小写字母、数字和下划线组成"

# Run a command as the server's OS account (initdb refuses root).
as_server() {
  if [ "$(id -un)" = "$OS_USER" ]; then "$@"
  elif [ "$(id -u)" = 0 ]; then runuser -u "$OS_USER" -- "$@"
  else die "请以 root 或 $OS_USER 身份运行（当前：$(id -un)）"
  fi
}

new_secret() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

running() { [ -f "$DATA/postmaster.pid" ] && as_server "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

# Something (another cluster, an old run's server) already answers on HOST:PORT.
port_taken() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

write_secret() {  # path value mode group
  local path="$1" value="$2" mode="$3" group="${4:-}"
  ( umask 077; printf '%s\n' "$value" >"$path.tmp" )
  if [ -n "$group" ]; then chgrp "$group" "$path.tmp"; fi
  chmod "$mode" "$path.tmp"
  mv -f "$path.tmp" "$path"
}

init_cluster() {
  getent passwd "$OS_USER" >/dev/null || die "系统用户 $OS_USER 不存在（QINGFENG_PG_OS_USER）"
  [ -x "$BIN/initdb" ] || die "找不到 $BIN/initdb（QINGFENG_PG_BIN）"
  mkdir -p "$ROOT"
  chmod 0755 "$ROOT"
  as_server test -x "$ROOT" || die "$OS_USER 进不了 $ROOT：请把 QINGFENG_VAR 放在它能进入的文件夹里"
  if [ ! -s "$PWFILE" ]; then write_secret "$PWFILE" "$(new_secret)" 0600; fi
  mkdir -p "$DATA" "$RUN" "$LOG"
  chown "$OS_USER" "$DATA" "$RUN" "$LOG"
  chmod 0700 "$DATA" "$RUN"
  chmod 0750 "$LOG"
  # The superuser has no password: it logs in only by peer on the private socket (run/, 0700).
  as_server "$BIN/initdb" -D "$DATA" --username="$OS_USER" \
    --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$ROOT/initdb.log" 2>&1 \
    || { cat "$ROOT/initdb.log" >&2; die "initdb 失败，数据目录 $DATA"; }
  as_server tee "$DATA/pg_hba.conf" >/dev/null <<EOF
# qingfeng: written by deploy/postgres.sh. No "trust" anywhere.
local   all   $OS_USER                peer
host    all   all       127.0.0.1/32  scram-sha-256
EOF
  as_server tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# qingfeng: written by deploy/postgres.sh (port, address and socket are passed by pg_ctl on every start)
password_encryption = scram-sha-256
logging_collector = off
EOF
}

sql() {  # run SQL as the server's superuser over the private socket
  as_server "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$RUN" -p "$PORT" -U "$OS_USER" -d postgres "$@"
}

ensure_role_and_db() {
  local pw
  pw="$(head -n1 "$PWFILE")"
  # The password goes on standard input, never on a command line other local users could read with ps.
  sql -tA -v role="$ROLE" <<EOF
\\set pw '$pw'
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', :'role', :'pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \\gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'role', :'pw') \\gexec
EOF
  sql -tA -v role="$ROLE" -v db="$DB" <<'EOF'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
EOF
}

secret_mode() {  # on every start, so a group named later (QINGFENG_PG_SECRET_GROUP) takes effect
  [ "$(id -u)" = 0 ] || return 0
  if [ -n "$SECRET_GROUP" ]; then
    getent group "$SECRET_GROUP" >/dev/null || die "组 $SECRET_GROUP 不存在（QINGFENG_PG_SECRET_GROUP）"
    chown "root:$SECRET_GROUP" "$PWFILE"; chmod 0640 "$PWFILE"
  else
    chown root:root "$PWFILE"; chmod 0600 "$PWFILE"
  fi
}

start() {
  if ! running && port_taken; then
    die "端口 $HOST:$PORT 已被其他程序占用（可能是另一个数据库或上次没有停下的服务器），请先停掉它或换一个端口（QINGFENG_PG_PORT）"
  fi
  [ -f "$DATA/PG_VERSION" ] || init_cluster
  secret_mode
  if ! running; then
    as_server "$BIN/pg_ctl" -D "$DATA" -l "$LOG/postgres.log" -w -t 60 \
      -o "-c listen_addresses=$HOST -c port=$PORT -c unix_socket_directories=$RUN" start >/dev/null \
      || { tail -n 20 "$LOG/postgres.log" >&2; die "数据库没有启动，日志：$LOG/postgres.log"; }
  fi
  ensure_role_and_db
  echo "PostgreSQL 已运行：$HOST:$PORT 数据库 $DB（数据目录 $DATA）"
}

stop() {
  if running; then as_server "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; fi
  echo "PostgreSQL 已停止（数据保留在 $DATA）"
}

status() {
  if running; then echo "running $HOST:$PORT $DATA"; exit 0
  else echo "stopped $DATA"; exit 3; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) echo "postgresql+psycopg://$ROLE@$HOST:$PORT/$DB" ;;
  password-file) echo "$PWFILE" ;;
  *) echo "用法：deploy/postgres.sh start|stop|status|url|password-file" >&2; exit 2 ;;
esac
