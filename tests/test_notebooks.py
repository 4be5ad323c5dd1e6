"""Every notebook executes top to bottom headless; none is committed with outputs."""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from qingfeng.demo.district import build_demo
from qingfeng.learning.catalog import MODULES
from qingfeng.project import find_project

REPO = Path(__file__).resolve().parents[1]
COURSES = sorted((REPO / "courses").glob("*.ipynb"))
ALL_NOTEBOOKS = sorted(p for p in REPO.rglob("*.ipynb") if ".venv" not in p.parts and ".ipynb_checkpoints" not in p.parts)


def execute(path: Path, cwd: Path) -> tuple[nbformat.NotebookNode, float]:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb, time.perf_counter() - start


def test_six_course_modules_with_a_home_a_review_and_a_final_test():
    from qingfeng.learning.catalog import FINAL_TEST, HOME, MODULES, REVIEW

    assert [p.name for p in COURSES] == sorted([HOME, *(m.file for m in MODULES), REVIEW, FINAL_TEST])
    assert [p.name[:3] for p in COURSES] == ["00_", "01_", "02_", "03_", "04_", "05_", "06_", "07_", "08_"]


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name


@pytest.mark.slow
@pytest.mark.parametrize("path", COURSES, ids=lambda p: p.name)
def test_course_notebook_runs_headless_without_errors(path, tmp_path, monkeypatch):
    """Timing belongs in make bench, not in a test: a loaded CI machine must not fail a correct notebook."""
    monkeypatch.setenv("QINGFENG_PROGRESS", str(tmp_path / "progress.sqlite"))
    nb, _seconds = execute(path, path.parent)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    widgets = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    if path.name[:2] in {m.number for m in MODULES}:
        assert widgets, "every module has at least one interactive exercise"


@pytest.mark.slow
def test_statistics_notebook_runs_on_a_simulated_district(tmp_path):
    demo = build_demo(find_project(REPO), tmp_path / "demo", n=60, seed=9)
    (demo.root / "grading").mkdir()
    target = demo.root / "grading" / "考试统计.ipynb"
    shutil.copy(REPO / "grading" / "考试统计.ipynb", target)
    nb, _seconds = execute(target, target.parent)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


@pytest.mark.slow
def test_statistics_notebook_without_results_explains_what_to_do(tmp_path):
    nb, _ = execute(REPO / "grading" / "考试统计.ipynb", REPO / "grading")
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
