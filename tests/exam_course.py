"""Helpers for tests that drive the real nbgrader command line on a temporary course copy."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

from qingfeng.project import copy_project as _copy, find_project

REPO = Path(__file__).resolve().parents[1]


def copy_project(dest: Path, backend=None) -> Path:
    """A copy of the repository's project; ``backend`` (tests/gradebooks.py) picks its gradebook."""
    return _copy(find_project(REPO), dest, gradebook=backend.settings() if backend else None).root


def run_nbgrader(cwd: Path, *args: str) -> str:
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def take_exam(root: Path, exam_id: str, student: str, answers: dict[str, str | None], essays: dict[str, str] | None = None) -> None:
    """Fetch the released paper as `student`, type answers into it exactly as given, submit.

    An answer of None deletes that item's answer cell.
    """
    exchange = f"--Exchange.root={root / 'exams' / 'exchange'}"
    home = root / "candidates" / student
    home.mkdir(parents=True)
    run_nbgrader(home, "fetch_assignment", exam_id, "--course", "qingfeng", exchange)
    path = home / exam_id / f"{exam_id}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        item = gid[len("answer-"):] if gid.startswith("answer-") else None
        if item in answers:
            if answers[item] is None:
                continue
            cell.source = answers[item]
        if item in (essays or {}):
            cell.source = essays[item]
        cells.append(cell)
    nb.cells = cells
    nbformat.write(nb, path)
    run_nbgrader(home, "submit", exam_id, "--course", "qingfeng", "--student", student, exchange)


def fetched_home(tmp_path: Path, project, exam_id: str, student: str = "c01") -> tuple[Path, Path]:
    """A candidate's home with the released paper fetched through nbgrader's exchange: (home, exchange)."""
    home = tmp_path / student
    home.mkdir()
    exchange = project.exams_dir / "exchange"
    run_nbgrader(home, "fetch_assignment", exam_id, "--course", "qingfeng", f"--Exchange.root={exchange}")
    return home, exchange


def candidate_home(home: Path, exchange: Path, student: str = "c01") -> None:
    """What a JupyterHub deployment sets for each candidate: the exchange, the course and who this is."""
    (home / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "c.Exchange.timezone = 'Asia/Shanghai'\n"
        "c.CourseDirectory.course_id = 'qingfeng'\n"
        f"c.CourseDirectory.student_id = {student!r}\n", encoding="utf-8")


def candidate_env(tmp_path: Path, home: Path) -> dict[str, str]:
    """A Jupyter prefix with the candidate's extension installed as make does for a candidates' image."""
    from qingfeng.candidate_extension import install

    prefix = tmp_path / "prefix"
    install(prefix, candidate=True)
    return {"JUPYTER_PATH": str(prefix / "share" / "jupyter"), "JUPYTER_CONFIG_PATH": str(prefix / "etc" / "jupyter"),
            "HOME": str(home)}
