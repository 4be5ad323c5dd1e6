"""Real-browser helpers: Debian chromium driven by Playwright, and a JupyterLab server on loopback."""
from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SETTINGS = Path(__file__).resolve().parents[1] / "jupyterlab-settings"  # the same settings make run uses
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]


def need_chromium():
    if not Path(CHROMIUM).exists():
        message = "Debian chromium 未安装（make test 会先运行 scripts/install-browser.sh）"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must run the real-browser test, never skip it
        pytest.skip(message)


@contextlib.contextmanager
def browser():
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield b
        finally:
            b.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(root: Path, tmp: Path, env: dict[str, str] | None = None, args: tuple[str, ...] = ()):
    port, token = free_port(), "qingfeng-test-token"
    full_env = {**os.environ, "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"), **(env or {})}
    log = open(tmp / "jupyterlab.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                             f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
                             f"--LabApp.app_settings_dir={SETTINGS}",
                             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                             *(["--allow-root"] if os.geteuid() == 0 else []), *args],
                            env=full_env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=root)  # nbgrader's formgrader reads nbgrader_config.py from the working directory
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
                break
            except (OSError, http.client.HTTPException):  # not up yet, or another server answered the free port first
                time.sleep(0.5)
        else:
            raise RuntimeError("JupyterLab 没有启动：" + (tmp / "jupyterlab.log").read_text()[-2000:])
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def run_all(page, ready, attempts: int = 3, timeout: int = 150_000, on_retry=None) -> None:
    """Restart the kernel and run every cell with the toolbar button, as the notebooks tell learners,
    until ``ready`` (a Playwright locator) appears.

    Right after a page load the kernel may still be connecting and the click is lost; a person then
    clicks again, and so does this helper (at most ``attempts`` times).
    """
    panel = ".jp-NotebookPanel:not(.lm-mod-hidden)"
    for attempt in range(attempts):
        try:  # the kernel is connected and idle
            page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=120_000, state="attached")
        except Exception:  # noqa: BLE001 — the click below is tried anyway
            pass
        page.locator(f"{panel} [data-command='notebook:restart-run-all']").first.click()
        page.locator(".jp-Dialog .jp-mod-accept").click()
        try:
            ready.wait_for(timeout=timeout)
            return
        except Exception:  # noqa: BLE001
            if on_retry:
                on_retry(attempt)
    raise AssertionError(f"运行全部单元格 {attempts} 次都没有完成")
