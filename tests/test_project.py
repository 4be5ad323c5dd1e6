"""Commands act on the project they are run in; packaging files agree."""
from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from qingfeng.cli.main import cli
from qingfeng.project import ProjectNotFound, find_project

REPO = Path(__file__).resolve().parents[1]


def test_found_from_a_subfolder(project, monkeypatch):
    sub = project / "risk_case_library" / "cases"
    monkeypatch.chdir(sub)
    assert find_project().root == project


def test_not_found_names_the_folder_in_chinese(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectNotFound, match="没有找到清风项目"):
        find_project()
    with pytest.raises(ProjectNotFound, match="不是清风项目文件夹"):
        find_project(tmp_path)


def test_cli_outside_a_project_fails_cleanly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["cases", "validate"])
    assert r.exit_code == 1 and "没有找到清风项目" in r.output


def test_a_copied_project_is_independent(project, tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    for f in (copy / "risk_case_library" / "cases").glob("*.yaml"):
        if f.stem != "S004-01":
            f.unlink()
    monkeypatch.chdir(copy)
    r = CliRunner().invoke(cli, ["cases", "validate"])
    assert "案例总数：1" in r.output  # the copy, not the repository's library


def _names(specs):
    return sorted(re.split(r"[<>=!~\[ ]", s, maxsplit=1)[0].lower() for s in specs)


def test_environment_yml_lists_the_same_packages_as_pyproject():
    py = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = py["dependencies"] + py["optional-dependencies"]["test"]
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = [p for p in pip if not p.startswith("-e")]
    assert _names(listed) == _names(wanted)
    assert sorted(listed) == sorted(wanted)  # same version ranges too


def test_required_top_level_shape():
    for name in ("courses", "exams", "grading", "risk_case_library", "tests", "environment.yml", "README.md",
                 "src/qingfeng", "Makefile", ".ci/run", "pyproject.toml"):
        assert (REPO / name).exists(), name


def test_readme_opens_with_the_two_commands():
    head = (REPO / "README.md").read_text(encoding="utf-8")[:1500]
    assert "make run" in head and "make test" in head
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
