#!/usr/bin/env bash
# Install Debian's chromium for the real-browser tests (Playwright drives it via
# executable_path=/usr/bin/chromium; Playwright's own browser download is not used).
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
bash "$(dirname "$0")/apt-install.sh" " Debian chromium（浏览器测试用）" chromium fonts-noto-cjk
[ -x /usr/bin/chromium ] && /usr/bin/chromium --version || true
