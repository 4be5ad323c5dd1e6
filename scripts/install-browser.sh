#!/usr/bin/env bash
# Install Debian's chromium for the real-browser tests (Playwright drives it via
# executable_path=/usr/bin/chromium; Playwright's own browser download is not used).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "需要 root 权限安装 chromium：请以 root 运行 apt-get install chromium，或跳过浏览器测试" >&2
    exit 1
  fi
fi
echo "正在安装 Debian chromium（浏览器测试用）……"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
/usr/bin/chromium --version
