"""The Hub load benchmark (``python -m qingfeng.bench --only hub``) kept working at N=3: real logins,
spawns, fetch and submit through the Assignments panel's API, every paper filed once under its own
编号, collected and marked.  Needs root (PAM, setuid spawns): CI runs as root, so there it fails."""
from __future__ import annotations

import grp
import os
import pwd

import pytest

from qingfeng.bench.hub_load import NAMESPACE, run_hub_load
from qingfeng.project import find_project

pytestmark = pytest.mark.slow


def test_three_candidates_log_in_spawn_submit_and_are_marked_then_everything_is_removed():
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the Hub load benchmark needs root (PAM logins, setuid spawns); CI runs as root")
        pytest.skip("needs root")
    lines: list[str] = []
    # the same Hub runtime as tests/test_hub.py, so CI builds it once
    runtime = os.environ.get("QINGFENG_HUB_RUNTIME", "/var/tmp/qingfeng-hub-runtime")
    report = run_hub_load(find_project(), steps=(3,), p95_limit=120.0, down_steps=0, runtime=runtime, progress=lines.append)
    (step,) = report.steps
    assert step.failures == [] and step.misfiled == []
    assert len(step.spawn) == len(step.submit) == 3 and all(s > 0 for s in step.spawn)
    assert step.marked == 3 and report.largest_holding == 3
    assert len(step.rss_mib) == 3 and all(20 < m < 2048 for m in step.rss_mib)   # a real server's memory, per person
    assert len(step.cpu_s) == 3 and all(c > 0.5 for c in step.cpu_s)            # a real server started, per person
    text = "\n".join(report.lines())
    assert "能承受的最大并发人数：3" in text and "SQLite" in text
    # nothing of the benchmark is left behind
    assert not [p.pw_name for p in pwd.getpwall() if p.pw_name.startswith(NAMESPACE) or p.pw_name == f"grader-{NAMESPACE}"]
    assert not [g.gr_name for g in grp.getgrall() if NAMESPACE in g.gr_name]
    assert not [p for p in os.listdir("/tmp") if p.startswith(f"{NAMESPACE}-root-")]
