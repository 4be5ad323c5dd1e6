#!/usr/bin/env bash
# Install Debian's chromium for the real-browser tests (Playwright drives it via
# executable_path=/usr/bin/chromium; Playwright's own browser download is not used),
# poppler-utils: the tests read the certificate PDFs people download with pdftotext, and LibreOffice
# (Writer, no GUI): the printed-paper test renders a .docx paper to PDF and checks its Chinese fonts.
set -euo pipefail
[ -x /usr/bin/chromium ] && command -v pdftotext >/dev/null && command -v libreoffice >/dev/null && exit 0
bash "$(dirname "$0")/apt-install.sh" " Debian chromium、poppler-utils 和 LibreOffice（浏览器测试、证书 PDF 测试、纸质试卷排版测试用）" \
  chromium fonts-noto-cjk poppler-utils libreoffice-writer-nogui
[ -x /usr/bin/chromium ] && /usr/bin/chromium --version || true
