"""The candidate's JupyterLab extension: where its prebuilt output lives, how it is installed, whether it is stale.

The TypeScript source is ``labextension/`` in the project checkout; ``make
labextension`` builds it into ``src/qingfeng/labextension/`` (committed, so
a fresh clone needs no Node build) and records the sources' hash there.

``python -m qingfeng.candidate_extension install`` (run by ``make`` after
``pip install -e``) links the built folder into
``{prefix}/share/jupyter/labextensions/qingfeng-exam`` — where JupyterLab
finds prebuilt extensions — and enables the server extension
(:mod:`qingfeng.exam.candidate_server`) in
``{prefix}/etc/jupyter/jupyter_server_config.d/qingfeng.json``.  A link,
not a copy: a rebuilt extension is live at once, as with
``jupyter labextension develop``.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

from . import LABEXTENSION_NAME

__all__ = ["BUILT", "SOURCE", "source_hash", "recorded_hash", "record", "install", "core_path"]

BUILT = Path(__file__).resolve().parent / "labextension"
SOURCE = Path(__file__).resolve().parents[2] / "labextension"  # only in a checkout
HASH_FILE = "build-source.sha256"
_INPUTS = ("package.json", "package-lock.json", "tsconfig.json", "src", "style")
SERVER_CONFIG = {"ServerApp": {"jpserver_extensions": {"qingfeng": True}}}
# A candidate's JupyterLab has no use for nbgrader's instructor tools (English, and Validate says
# "Success!" to a paper with unreadable answers), nor for its English Assignments panel and Nbgrader
# menu: papers are fetched and feedback read in the Chinese 我的考试 panel (labextension/src/paper_list.ts),
# which calls nbgrader's assignment_list server extension (left on).
CANDIDATE_DISABLED = ("@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
                      "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:validate-assignment",
                      "@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu",
                      "@jupyterlab/statusbar-extension:plugin")  # kernel and cell counters: nothing for a candidate


def _inputs(source: Path) -> list[Path]:
    files = []
    for name in _INPUTS:
        p = source / name
        files += sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
    return files


def source_hash(source: Path = SOURCE) -> str:
    """SHA-256 over the extension's sources (names and bytes), as recorded at build time."""
    h = hashlib.sha256()
    for f in _inputs(source):
        h.update(f.relative_to(source).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def recorded_hash(built: Path = BUILT) -> str:
    try:
        return (built / HASH_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def record(source: Path = SOURCE, built: Path = BUILT) -> str:
    digest = source_hash(source)
    (built / HASH_FILE).write_text(digest + "\n", encoding="utf-8")
    return digest


def install(prefix: Path | None = None, built: Path = BUILT, candidate: bool = False) -> tuple[Path, Path]:
    """Link the prebuilt extension into ``prefix`` (default: this interpreter's) and enable the server extension.

    ``candidate``: also switch off nbgrader's instructor plugins in that prefix's JupyterLab (a candidates'
    JupyterHub image), by ``labconfig/page_config.json``.
    """
    prefix = Path(prefix or sys.prefix)
    if not (built / "package.json").is_file():
        raise FileNotFoundError(f"没有找到预构建的考生扩展：{built}（请运行 make labextension）")
    target = prefix / "share" / "jupyter" / "labextensions" / LABEXTENSION_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    target.symlink_to(built, target_is_directory=True)
    config = prefix / "etc" / "jupyter" / "jupyter_server_config.d" / "qingfeng.json"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps(SERVER_CONFIG, indent=2) + "\n", encoding="utf-8")
    if candidate:
        page = prefix / "etc" / "jupyter" / "labconfig" / "page_config.json"
        page.parent.mkdir(parents=True, exist_ok=True)
        current = json.loads(page.read_text(encoding="utf-8")) if page.is_file() else {}
        current.setdefault("disabledExtensions", {}).update({name: True for name in CANDIDATE_DISABLED})
        page.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target, config


def core_path() -> Path:
    """JupyterLab's staging folder, which @jupyterlab/builder needs to know the shared packages."""
    import jupyterlab

    return Path(jupyterlab.__file__).resolve().parent / "staging"


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "install":
        args = [a for a in argv[1:] if a != "--candidate"]
        target, config = install(Path(args[0]) if args else None, candidate="--candidate" in argv)
        print(f"考生扩展已链接到 {target}；服务器扩展已在 {config} 中启用")
    elif command == "record":
        print(f"已记录考生扩展源文件的哈希：{record()}")
    elif command == "core-path":
        print(core_path())
    elif command == "check":
        if recorded_hash() != source_hash():
            print("考生扩展的构建结果已过期：请运行 make labextension", file=sys.stderr)
            return 1
        print("考生扩展的构建结果与源文件一致")
    else:
        print("用法：python -m qingfeng.candidate_extension install [PREFIX] [--candidate] | record | check | core-path", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
