from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .gradebooks import gradebook_backend  # noqa: F401  (session fixture: sqlite, then postgresql)
from .postgres import pg_server  # noqa: F401  (session fixture: a throw-away PostgreSQL server)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throw-away project folder with the real case library copied in."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "qingfeng.toml").write_text("[paths]\nshared = \"../shared\"\n", encoding="utf-8")
    shutil.copytree(REPO / "risk_case_library", root / "risk_case_library")
    return root


@pytest.fixture
def empty_project(tmp_path: Path) -> Path:
    root = tmp_path / "empty"
    (root / "risk_case_library" / "cases").mkdir(parents=True)
    (root / "qingfeng.toml").write_text("", encoding="utf-8")
    return root

