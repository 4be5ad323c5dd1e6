#!/usr/bin/env bash
# Install Debian's chromium for the real-browser tests (Playwright drives it via
# executable_path=/usr/bin/chromium; Playwright's own browser download is not used),
# and poppler-utils: the tests read the certificate PDFs people download with pdftotext.
set -euo pipefail
[ -x /usr/bin/chromium ] && command -v pdftotext >/dev/null && exit 0
bash "$(dirname "$0")/apt-install.sh" " Debian chromium 和 poppler-utils（浏览器测试、证书 PDF 测试用）" chromium fonts-noto-cjk poppler-utils
[ -x /usr/bin/chromium ] && /usr/bin/chromium --version || true
