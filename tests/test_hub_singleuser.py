"""The Hub's user-server entry point skips JupyterLab's Node.js start-up lookup and is still JupyterHub's server."""
from __future__ import annotations

import subprocess

import pytest

from qingfeng.hub import singleuser


@pytest.fixture
def lab_commands(monkeypatch):
    from jupyterlab import commands

    monkeypatch.setattr(commands, "_yarn_config", commands._yarn_config)   # undone after the test
    return commands


def test_jupyterlab_options_no_longer_start_node_for_the_registry(lab_commands, monkeypatch):
    started = []

    def no_node(args, *a, **kw):
        started.append(args)
        return b""

    monkeypatch.setattr(lab_commands.subprocess, "check_output", no_node)
    monkeypatch.setattr(lab_commands, "which", lambda name, env=None: "/usr/bin/node")   # as if Node.js were installed
    lab_commands.AppOptions().registry                          # unpatched: JupyterLab asks Node.js
    assert started and started[0][0] == "/usr/bin/node"
    assert singleuser.skip_yarn_config() is True
    started.clear()
    assert lab_commands.AppOptions().registry == lab_commands.YARN_DEFAULT_REGISTRY
    assert started == []


@pytest.mark.slow
def test_the_entry_point_is_jupyterhubs_single_user_server():
    """Same application, same options, as the ``jupyterhub-singleuser`` it replaces in deploy/jupyterhub_config.py."""
    import shutil
    import sys
    from pathlib import Path

    theirs = shutil.which("jupyterhub-singleuser", path=str(Path(sys.executable).parent))
    assert theirs, "jupyterhub-singleuser is not installed next to this Python"

    def help_all(*cmd: str) -> str:
        out = subprocess.run([*cmd, "--help-all"], capture_output=True, text=True, timeout=180)
        assert out.returncode == 0, out.stderr[-2000:]
        return out.stdout

    ours = help_all(sys.executable, "-P", "-m", "qingfeng.hub.singleuser")
    assert "--ServerApp.root_dir=" in ours                      # a Jupyter server, with its options
    assert ours == help_all(theirs)
