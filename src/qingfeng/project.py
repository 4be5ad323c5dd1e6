"""Find the project folder a command acts on, and its well-known paths.

Like git and nbgrader, every command works on the project found from the
current directory upward (the first folder holding ``qingfeng.toml``), or
on ``--root DIR``; never on the installed package's own location, so a
copied course folder is independent.
"""
from __future__ import annotations

import json
import os
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MARKER", "ProjectNotFound", "Project", "find_project", "copy_project"]

MARKER = "qingfeng.toml"


class ProjectNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / MARKER

    @property
    def cases_dir(self) -> Path:
        return self.root / "risk_case_library" / "cases"

    @property
    def exams_dir(self) -> Path:
        return self.root / "exams"

    @property
    def bank_dir(self) -> Path:
        return self.exams_dir / "bank"

    @property
    def grading_dir(self) -> Path:
        return self.root / "grading"

    def config(self) -> dict:
        """The parsed ``qingfeng.toml`` (empty when the file is empty)."""
        try:
            return tomllib.loads(self.config_file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ProjectNotFound(f"{self.config_file} 格式错误：{e}") from None

    def shared_dir(self) -> Path | None:
        """The shared material folder (seeds, raw records), if present.

        Looked up from ``[paths] shared`` in qingfeng.toml, the environment
        variable ``QINGFENG_SHARED``, then ``../shared`` beside the project.
        """
        candidates = []
        configured = self.config().get("paths", {}).get("shared")
        if configured:
            candidates.append((self.root / configured).resolve())
        if os.environ.get("QINGFENG_SHARED"):
            candidates.append(Path(os.environ["QINGFENG_SHARED"]))
        candidates.append(self.root.parent / "shared")
        return next((c for c in candidates if (c / "seeds").is_dir()), None)


def find_project(root: str | os.PathLike | None = None, start: str | os.PathLike | None = None) -> Project:
    """The project at ``root``, or the nearest one above ``start`` (default: cwd)."""
    if root is not None:
        path = Path(root).resolve()
        if not (path / MARKER).is_file():
            raise ProjectNotFound(f"{path} 不是清风项目文件夹：找不到 {MARKER}")
        return Project(path)
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return Project(folder)
    raise ProjectNotFound(f"从 {here} 向上没有找到清风项目（含 {MARKER} 的文件夹）；请进入项目文件夹，或用 --root 指定")


def _without_section(text: str, name: str) -> str:
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            skipping = stripped.split("#")[0].strip() == f"[{name}]"
        if not skipping:
            out.append(line)
    return "".join(out)


def copy_project(source: Project, dest: Path, config: str | None = None, gradebook: dict | None = None) -> Project:
    """A fresh project at ``dest`` with the source's settings, case library, bank and blueprints.

    Gradebook, submissions and built exams are not copied, nor the ``[gradebook]`` setting: a copy
    gets its own SQLite gradebook, or the ``gradebook`` section given here (``db_url``,
    ``password_file``), with ``use_env = false`` so ``QINGFENG_DB_URL`` cannot point it elsewhere.  ``config`` replaces qingfeng.toml (e.g. a demo marked as simulated).
    Used by benchmarks, the demo and tests, so none of them ever touches the real course or its database.
    """
    dest.mkdir(parents=True)
    text = source.config_file.read_text(encoding="utf-8") if config is None else config
    text = _without_section(text, "gradebook")
    # its own gradebook, whatever QINGFENG_DB_URL says: a benchmark or demo never writes into the real one
    settings = {**(gradebook or {"db_url": "sqlite:///exams/gradebook.db"}), "use_env": False}
    text = text.rstrip("\n") + "\n\n[gradebook]\n" + "".join(
        f"{k} = {json.dumps(v if isinstance(v, bool) else str(v), ensure_ascii=False)}\n" for k, v in settings.items())
    (dest / MARKER).write_text(text, encoding="utf-8")
    shutil.copy(source.root / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(source.cases_dir.parent, dest / "risk_case_library")
    (dest / "exams").mkdir()
    shutil.copy(source.exams_dir / "nbgrader_config.py", dest / "exams" / "nbgrader_config.py")
    for sub in ("bank", "blueprints"):
        shutil.copytree(source.exams_dir / sub, dest / "exams" / sub)
    return find_project(dest)
