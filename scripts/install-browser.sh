#!/usr/bin/env bash
# Install Debian's chromium for the real-browser tests (Playwright drives it via
# executable_path=/usr/bin/chromium; Playwright's own browser download is not used).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; else
    echo "提示：没有 root 权限，无法安装 chromium；真实浏览器测试将被跳过（CI 中则会失败）。" >&2
    echo "      以 root 运行 apt-get install chromium fonts-noto-cjk 后即可运行它。" >&2
    [ "${CI:-}" = "true" ] && exit 1
    exit 0
  fi
fi
echo "正在安装 Debian chromium（浏览器测试用）……"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
/usr/bin/chromium --version
