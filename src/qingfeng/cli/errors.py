"""One place that turns an exception into the Chinese line a user reads.

The project's own errors already carry Chinese messages (naming file, row
and field); they are passed through.  Library errors that reach the CLI —
nbgrader's ``MissingEntry`` ("No such grade"), a locked or missing gradebook,
files that cannot be opened — are reworded here.  Anything else is reported
as an internal error in Chinese, with the original message attached for
whoever maintains the system.
"""
from __future__ import annotations

import errno
import re

__all__ = ["chinese_error", "has_chinese"]

_CJK = re.compile(r"[\u4e00-\u9fff]")

_ERRNO = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EEXIST: "已经存在",
    errno.ENOSPC: "磁盘空间不足",
    errno.EISDIR: "这是一个文件夹，应为文件",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.EROFS: "文件系统只读",
}

_NBGRADER = [
    (re.compile(r"No such grade"), "成绩库中没有这道题的成绩记录"),
    (re.compile(r"No such comment"), "成绩库中没有这道题的评语记录"),
    (re.compile(r"No such student"), "成绩库中没有这名考生"),
    (re.compile(r"No such assignment"), "成绩库中没有这份试卷"),
    (re.compile(r"No such (submission|submitted assignment)"), "成绩库中没有这名考生的这份答卷"),
    (re.compile(r"No such notebook"), "成绩库中没有这份试卷的笔记本"),
]


def has_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


def _message(e: BaseException) -> str:
    if isinstance(e, KeyError) and e.args:
        return str(e.args[0])
    return str(e)


def chinese_error(e: BaseException) -> str:
    """The Chinese line for ``e`` (its own message when it is already Chinese)."""
    msg = _message(e)
    kind = type(e).__name__
    if kind == "MissingEntry":  # nbgrader.api.MissingEntry, checked by name so nbgrader is never imported here
        for pattern, chinese in _NBGRADER:
            if pattern.search(msg):
                return f"{chinese}：请核对试卷编号、考生编号和题号，并确认考生已交卷、试卷已评分（qingfeng mark）"
        return "成绩库中没有这条记录：请核对试卷编号、考生编号和题号"
    if has_chinese(msg):
        return msg
    if kind == "OperationalError" and "locked" in msg:
        return "成绩库正被其他程序（如正在评分的 Formgrader 或另一条命令）占用，请稍后再试"
    if kind in ("OperationalError", "DatabaseError") and ("no such table" in msg or "not a database" in msg):
        return "成绩库不完整或已损坏：请先运行 qingfeng setup 或 qingfeng exam build，或从备份 gradebook.db.bak-… 恢复"
    if isinstance(e, OSError):
        what = _ERRNO.get(e.errno or -1, "文件操作失败")
        where = f"：{e.filename}" if e.filename else ""
        return f"{what}{where}"
    if isinstance(e, UnicodeDecodeError):
        return "文件编码无法识别：请另存为 UTF-8"
    return f"程序内部错误（{kind}），请把这一行交给系统管理员：{msg}"
