"""The key's checksum: recorded when an exam is built, verified before every marking run.

``exams/keys/<exam>.sha256`` holds the sha256 of ``exams/keys/<exam>.json``
as written by ``qingfeng exam build``.  ``mark``, ``autograde``, answer
sheets and feedback call :func:`verify_key` first; a key that changed since
(whoever changed it) stops marking with a Chinese error naming the file.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..ids import check_exam_id, child_path
from .protected_files import protect

__all__ = ["KeyChanged", "key_checksum", "checksum_path", "record_checksum", "verify_key"]


class KeyChanged(RuntimeError):
    """The key file differs from the one recorded at build (message in Chinese)."""


def key_checksum(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def checksum_path(exams_dir: Path, exam_id: str) -> Path:
    return child_path(Path(exams_dir) / "keys", f"{check_exam_id(exam_id)}.sha256")


def record_checksum(exams_dir: Path, exam_id: str, project=None) -> str:
    key = child_path(Path(exams_dir) / "keys", f"{check_exam_id(exam_id)}.json")
    digest = key_checksum(key)
    target = checksum_path(exams_dir, exam_id)
    tmp = target.with_name(target.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(f"{digest}  {key.name}\n")
    os.replace(tmp, target)
    protect(target, project)
    return digest


def verify_key(exams_dir: Path, exam_id: str) -> str:
    """The recorded checksum, if the key still matches it; otherwise :class:`KeyChanged`."""
    key = child_path(Path(exams_dir) / "keys", f"{check_exam_id(exam_id)}.json")
    stamp = checksum_path(exams_dir, exam_id)
    if not key.is_file():
        raise KeyChanged(f"找不到试卷 {exam_id} 的答案文件 {key}：请先运行 qingfeng exam build")
    if not stamp.is_file():
        raise KeyChanged(f"答案文件 {key} 没有组卷时记录的校验值（{stamp.name}）：无法确认它未被改动，已停止评分。"
                         f"请核对答案文件无误后运行 qingfeng exam release {exam_id}（发布时补记校验值）")
    words = stamp.read_text(encoding="ascii", errors="replace").split()
    recorded = words[0] if words else ""
    actual = key_checksum(key)
    if actual != recorded:
        raise KeyChanged(f"答案文件 {key} 在组卷之后被改动过（sha256 应为 {recorded[:16]}…，现为 {actual[:16]}…），"
                         "已停止评分。请从 exams/keys/archive/ 或备份中恢复，或重新组卷")
    return recorded
