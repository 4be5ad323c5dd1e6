#!/usr/bin/env bash
# 清风 on JupyterHub, on this machine:  deploy/hub.sh install|start|stop|restart|status|url
# `make hub` = start (installs what is missing first).  Run as root: the Hub logs people in with PAM
# and starts each person's server as their own Linux user.
#
# Environment (all optional):
#   QINGFENG_HUB_ROOT     data root (default: <project>/var/hub); see deploy/README.md for its layout
#   QINGFENG_HUB_RUNTIME  the Hub's Python + proxy (default: $QINGFENG_HUB_ROOT/runtime)
#   QINGFENG_HUB_HOST     address people connect to (default 127.0.0.1; 0.0.0.0 for a LAN)
#   QINGFENG_HUB_PORT     port (default 8000); internal ports are PORT+1 … PORT+4
#   HUB_PYTHON            interpreter the runtime is built from (default /usr/bin/python3.11: Debian's,
#                         runnable by every user, unlike a pyenv Python under /root)
set -euo pipefail

PROJECT="$(cd "$(dirname "$0")/.." && pwd)"
export QINGFENG_HUB_ROOT="${QINGFENG_HUB_ROOT:-$PROJECT/var/hub}"
RUNTIME="${QINGFENG_HUB_RUNTIME:-$QINGFENG_HUB_ROOT/runtime}"
export QINGFENG_HUB_RUNTIME="$RUNTIME"
HUB_PYTHON="${HUB_PYTHON:-/usr/bin/python3.11}"
HOST="${QINGFENG_HUB_HOST:-127.0.0.1}"
PORT="${QINGFENG_HUB_PORT:-8000}"
export QINGFENG_HUB_HOST="$HOST" QINGFENG_HUB_PORT="$PORT"
STATE="$QINGFENG_HUB_ROOT/hub"
PIDFILE="$STATE/jupyterhub.pid"
LOG="$STATE/jupyterhub.log"
CHP_VERSION="5"

say() { echo "[清风 Hub] $*"; }
die() { echo "[清风 Hub] 错误：$*" >&2; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "请用 root（或 sudo）运行：Hub 需要用 PAM 登录并以每位用户自己的身份启动服务器"; }

hash_of() { (cd "$PROJECT" && cat pyproject.toml && find src \( -name '*.py' -o -name 'build-source.sha256' \) -print0 | sort -z | xargs -0 cat) | sha256sum | cut -c1-16; }

install_python() {
  if ! "$HUB_PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    say "安装 python3.11-venv（Debian）"
    apt-get update -qq && apt-get install -y -qq python3.11-venv >/dev/null
  fi
  if [ ! -x "$RUNTIME/bin/python" ]; then
    say "用 $HUB_PYTHON 创建 Hub 运行环境 $RUNTIME"
    mkdir -p "$(dirname "$RUNTIME")"
    "$HUB_PYTHON" -m venv "$RUNTIME"
    "$RUNTIME/bin/python" -m pip install --quiet --upgrade pip
  fi
  local deps code
  deps="$(sha256sum "$PROJECT/pyproject.toml" | cut -c1-16)"
  code="$(hash_of)"
  if [ "$(cat "$RUNTIME/.deps" 2>/dev/null)" != "$deps" ]; then
    say "安装清风及其依赖（JupyterHub、JupyterLab、nbgrader……）到 Hub 运行环境，首次需要几分钟"
    "$RUNTIME/bin/python" -m pip install --quiet "$PROJECT"
    echo "$deps" > "$RUNTIME/.deps"; echo "$code" > "$RUNTIME/.code"
  elif [ "$(cat "$RUNTIME/.code" 2>/dev/null)" != "$code" ]; then
    say "更新 Hub 运行环境中的清风"
    "$RUNTIME/bin/python" -m pip install --quiet --no-deps --force-reinstall "$PROJECT"
    echo "$code" > "$RUNTIME/.code"
  fi
  # rfc3987-syntax (pulled in through jsonschema[format-nongpl]) builds ~38 Lark parsers when imported,
  # which every user server does at start: ~1.5 CPU-s each, for an "iri" format no Jupyter schema uses.
  # Without it jsonschema just skips that format (deploy/README.md, 容量规划).
  if "$RUNTIME/bin/python" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("rfc3987_syntax") is None)'; then
    say "从 Hub 运行环境移除 rfc3987-syntax（每次启动个人服务器多耗约 1.5 秒 CPU，Jupyter 用不到）"
    "$RUNTIME/bin/python" -m pip uninstall --quiet --yes rfc3987-syntax
  fi
  # the candidate's extension (paper forms, 我的考试): link the prebuilt output, enable its server extension
  "$RUNTIME/bin/python" -m qingfeng.candidate_extension install >/dev/null
}

install_proxy() {
  if [ ! -x "$RUNTIME/node/node_modules/.bin/configurable-http-proxy" ]; then
    command -v npm >/dev/null || { say "安装 nodejs、npm（Debian）"; apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }
    say "安装 configurable-http-proxy@$CHP_VERSION 到 $RUNTIME/node（项目自己的目录，不装到全局）"
    mkdir -p "$RUNTIME/node"
    npm install --silent --no-audit --no-fund --prefix "$RUNTIME/node" "configurable-http-proxy@$CHP_VERSION" >/dev/null
  fi
}

# PostgreSQL gradebook: deploy/postgres.sh (a project-owned cluster) keeps its data under this
# deployment's data root (<root>/postgres) and lets the examiners' group read its password file.
pg() {
  QINGFENG_VAR="$QINGFENG_HUB_ROOT" QINGFENG_PG_SECRET_GROUP="formgrade-${QINGFENG_HUB_NAMESPACE:-qingfeng}" \
    bash "$PROJECT/deploy/postgres.sh" "$@"
}
start_postgres() { if [ -f "$PROJECT/deploy/postgres.sh" ]; then pg start; fi; }
stop_postgres() { if [ -f "$PROJECT/deploy/postgres.sh" ]; then pg stop || true; fi; }

do_install() {
  need_root
  install_python
  install_proxy
  chmod -R a+rX "$RUNTIME"
  # groups, accounts and the course copy first: PostgreSQL's password file is handed to the examiners'
  # group, which must exist before postgres.sh starts; prepare is idempotent, so it runs again with the
  # gradebook's address once the server is up
  "$RUNTIME/bin/qingfeng" --root "$PROJECT" hub prepare
  if [ -f "$PROJECT/deploy/postgres.sh" ]; then
    start_postgres
    "$RUNTIME/bin/qingfeng" --root "$PROJECT" hub prepare --db-url "$(pg url)" --password-file "$(pg password-file)"
  fi
}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

url() {
  local shown="$HOST"; [ "$HOST" = "0.0.0.0" ] && shown="$(hostname -I 2>/dev/null | awk '{print $1}')"
  echo "http://${shown:-$HOST}:$PORT/"
}

do_start() {
  if running; then say "已在运行：$(url)"; return 0; fi
  do_install
  say "启动 JupyterHub（日志：$LOG）"
  (cd "$STATE" && exec setsid "$RUNTIME/bin/jupyterhub" -f "$PROJECT/deploy/jupyterhub_config.py" >>"$LOG" 2>&1 < /dev/null) &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/hub/api" 2>/dev/null || curl -fsS -o /dev/null "http://$HOST:$PORT/hub/api" 2>/dev/null; then
      say "JupyterHub 已启动：请在浏览器打开 $(url)"
      say "停止：make hub-stop（数据保留在 $QINGFENG_HUB_ROOT，再次 make hub 即恢复）"
      return 0
    fi
    running || { tail -n 30 "$LOG" >&2; die "JupyterHub 启动失败，见上面的日志"; }
    sleep 1
  done
  tail -n 30 "$LOG" >&2; die "JupyterHub 120 秒内没有就绪"
}

do_stop() {
  if running; then
    local pid; pid="$(cat "$PIDFILE")"
    say "停止 JupyterHub（进程 $pid）；用户的文件和成绩都保留"
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  else
    say "JupyterHub 没有在运行"
  fi
  rm -f "$PIDFILE"
  stop_postgres
}

case "${1:-start}" in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop; do_start ;;
  status) if running; then say "运行中：$(url)（进程 $(cat "$PIDFILE")）"; else say "未运行"; exit 3; fi ;;
  url) url ;;
  *) die "用法：deploy/hub.sh install|start|stop|restart|status|url" ;;
esac
