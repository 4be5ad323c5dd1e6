"""A learner's own copy of the course, kept up to date by a cell-level three-way merge.

``sync_courses(source, dest)`` copies the course notebooks into ``dest`` the
first time; on later runs it merges each notebook with three versions, like
nbgitpuller merges files (its rule: the learner's changes win, upstream
changes arrive wherever the learner has not changed anything):

* base   = the course version last synced, recorded in ``dest/.qingfeng-course/base/``;
* theirs = the course as it is now (the trainers' update);
* ours   = the learner's file in ``dest``.

Cells are matched by their nbformat cell id.  The rules:

1. a cell the learner has not edited (same type and source as base) takes the trainers' version;
2. a cell the learner edited is kept as the learner wrote it, even if the trainers changed it too;
3. a cell the trainers added arrives, placed after the cell that precedes it in the course;
4. a cell the learner added stays where the learner put it;
5. a cell the trainers removed disappears only if the learner had not edited it;
6. a cell the learner deleted comes back (as nbgitpuller restores deleted files): the course stays whole,
   and nothing the learner wrote is involved;
7. a module the learner deleted comes back; a new module arrives; a module the trainers removed is removed
   from the copy only if the learner had not changed it;
8. outputs, execution counts and saved widget state are never carried into the copy (exercises rebuild
   themselves from the learner's progress when the kernel runs).

Files are replaced atomically (write, then rename), the base is recorded last,
so an interrupted sync is simply repeated.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


__all__ = ["SyncReport", "sync_courses", "merge_cells", "clean_notebook", "STATE_DIR", "course_project"]

STATE_DIR = ".qingfeng-course"  # inside the learner's copy; JupyterLab hides dot-folders
MANIFEST = "sync.json"


@dataclass
class SyncReport:
    dest: Path
    copied: list[str] = field(default_factory=list)  # new modules (first run: all)
    updated: list[str] = field(default_factory=list)  # modules that received trainers' changes
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_edits: int = 0  # learner-edited cells kept
    added_cells: int = 0  # trainers' new cells
    restored_cells: int = 0  # learner-deleted cells restored

    def summary(self) -> str:
        bits = [f"课程已同步到 {self.dest}"]
        if self.copied:
            bits.append(f"新增 {len(self.copied)} 个：{'、'.join(self.copied)}")
        if self.updated:
            bits.append(f"更新 {len(self.updated)} 个：{'、'.join(self.updated)}")
        if self.removed:
            bits.append(f"移除 {len(self.removed)} 个：{'、'.join(self.removed)}")
        bits.append(f"未变 {len(self.unchanged)} 个")
        if self.kept_edits:
            bits.append(f"保留你修改过的单元格 {self.kept_edits} 个")
        if self.added_cells:
            bits.append(f"新增单元格 {self.added_cells} 个")
        if self.restored_cells:
            bits.append(f"恢复被删除的单元格 {self.restored_cells} 个")
        return "；".join(bits) + "。"


def _source(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def _same(a, b) -> bool:
    return a.get("cell_type") == b.get("cell_type") and _source(a) == _source(b)


def _ensure_ids(nb) -> None:
    """Cells without an id get a stable one from their position and text."""
    for i, cell in enumerate(nb["cells"]):
        if not cell.get("id"):
            cell["id"] = f"c{i}-" + hashlib.sha1(_source(cell).encode()).hexdigest()[:8]


def clean_notebook(nb) -> None:
    """No outputs, execution counts or saved widget state (in place)."""
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("widgets", None)


def merge_cells(base: list, theirs: list, ours: list) -> tuple[list, dict[str, int]]:
    """The merged cell list and counts (kept_edits, added, restored); see the module docstring for the rules."""
    b = {c["id"]: c for c in base}
    t = {c["id"]: c for c in theirs}
    o_ids = {c["id"] for c in ours}
    counts = {"kept_edits": 0, "added": 0, "restored": 0}
    result = []
    for cell in ours:
        cid = cell["id"]
        if cid in b:
            edited = not _same(cell, b[cid])
            if cid in t:
                if edited:
                    counts["kept_edits"] += 1 if not _same(t[cid], b[cid]) else 0
                    result.append(cell)
                else:
                    result.append(copy.deepcopy(t[cid]))
            elif edited:  # removed by the trainers, edited by the learner: keep
                result.append(cell)
        else:  # the learner's own cell (or one already there before the first recorded sync)
            result.append(cell)
    placed = {c["id"] for c in result}
    for i, cell in enumerate(theirs):
        cid = cell["id"]
        if cid in placed:
            continue
        if cid in o_ids:  # removed above by rule 5? only when not in theirs, so never here
            continue
        counts["restored" if cid in b else "added"] += 1
        before = next((theirs[j]["id"] for j in range(i - 1, -1, -1) if theirs[j]["id"] in placed), None)
        at = 0 if before is None else next(k for k, c in enumerate(result) if c["id"] == before) + 1
        result.insert(at, copy.deepcopy(cell))
        placed.add(cid)
    return result, counts


def _read(path: Path):
    import nbformat  # lazily: importing it costs seconds, and course notebooks only need course_project()

    nb = nbformat.read(path, as_version=4)
    _ensure_ids(nb)
    return nb


def _write(nb, path: Path) -> None:
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sync-", suffix=".ipynb")
    os.close(fd)
    try:
        nbformat.write(nb, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sync_courses(source: Path, dest: Path, project_root: Path | None = None) -> SyncReport:
    """Create or update the learner's copy ``dest`` of the course notebooks in ``source``."""
    source, dest = Path(source), Path(dest).expanduser()
    if not source.is_dir():
        raise FileNotFoundError(f"找不到课程文件夹：{source}")
    names = sorted(p.name for p in source.glob("*.ipynb"))
    if not names:
        raise FileNotFoundError(f"课程文件夹 {source} 中没有笔记本（.ipynb）")
    state = dest / STATE_DIR
    base_dir = state / "base"
    manifest_path = state / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    report = SyncReport(dest)
    for name in names:
        try:
            theirs = _read(source / name)
        except Exception as e:  # a broken course file must not stop the others
            raise ValueError(f"课程笔记本 {source / name} 无法读取：{e}") from None
        clean_notebook(theirs)
        mine, base_file = dest / name, base_dir / name
        if not mine.exists():
            _write(theirs, mine)
            (report.copied if not base_file.exists() else report.updated).append(name)
        else:
            ours = _read(mine)
            base = _read(base_file) if base_file.exists() else {"cells": []}
            cells, counts = merge_cells(base["cells"], theirs["cells"], ours["cells"])
            merged = copy.deepcopy(theirs)
            merged["cells"] = cells
            clean_notebook(merged)
            changed = [_source(c) for c in cells] != [_source(c) for c in ours["cells"]]
            _write(merged, mine)
            report.kept_edits += counts["kept_edits"]
            report.added_cells += counts["added"]
            report.restored_cells += counts["restored"]
            (report.updated if changed else report.unchanged).append(name)
        _write(theirs, base_file)
    for gone in sorted(set(manifest.get("files", [])) - set(names)):
        mine, base_file = dest / gone, base_dir / gone
        if mine.exists() and base_file.exists():
            if [(_source(c), c["cell_type"]) for c in _read(mine)["cells"]] == \
                    [(_source(c), c["cell_type"]) for c in _read(base_file)["cells"]]:
                mine.unlink()
                report.removed.append(gone)
        base_file.unlink(missing_ok=True)
    manifest = {"source": str(source.resolve()), "project": str(Path(project_root).resolve()) if project_root else
                manifest.get("project"), "files": names, "synced_at": dt.datetime.now().isoformat(timespec="seconds")}
    state.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return report


def course_project(folder: Path) -> Path | None:
    """The project a synced copy came from (for the case library and bank), looking upward from ``folder``."""
    for f in (Path(folder).resolve(), *Path(folder).resolve().parents):
        m = f / STATE_DIR / MANIFEST
        if m.is_file():
            try:
                p = json.loads(m.read_text(encoding="utf-8")).get("project")
            except (OSError, ValueError):
                return None
            return Path(p) if p else None
    return None
