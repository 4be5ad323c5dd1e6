"""A long sheet's rows read by a second process while this one uses them.

Unzipping a 50,000-row sheet and scanning its XML (:mod:`.xlsx_scan`) is
pure Python next to the caller's own per-row work (marking a paper, writing
the gradebook): on one core, one waits for the other.  :func:`read_in_child`
forks a reader as soon as the header row is known, before the caller starts
any thread of its own (in a Jupyter kernel the kernel's threads exist; the
child touches none of their state: it reads, sends and leaves by
``os._exit``).  The child reads the rest of the file and sends the rows
through a pipe in batches, then the sheet's problems (formula and merged
cells); the caller gets a :class:`.reading.SheetRows` that reads the same rows in the same
order, so nothing downstream changes.  The child is killed with this process
(:func:`qingfeng.exam.staging.die_with_parent`) and when the rows are closed
early; an error while it reads (a damaged file) is raised here, where the
rows are being read, as it would be without the child.

Only plain data crosses the pipe: row numbers and cell values (str, int,
float, bool, datetime, None).
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

from ..exam.staging import die_with_parent
from .reading import SheetError, SheetRows

__all__ = ["read_in_child", "FORK_FROM_BYTES", "BATCH"]

FORK_FROM_BYTES = 256 * 1024  # a smaller file is read before a process could start
BATCH = 1_000  # rows per message


def read_in_child(table: SheetRows, path: Path) -> SheetRows:
    """``table`` (just opened from ``path`` by :func:`.reading.read_table`, no row read yet) read by a
    forked child; unchanged when the file is small or this machine has one core."""
    if (os.cpu_count() or 1) < 2 or path.stat().st_size < FORK_FROM_BYTES:
        return table
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_read, args=(os.getpid(), table, send, path.name), name="qingfeng-sheet-reader", daemon=True)
    child.start()
    send.close()  # the child's end: EOF here once the child is gone
    table.close()  # this process's copy of the reader and its open file (the child has its own)
    problems: list = []
    return SheetRows(table.headers, _ChildRows(child, receive, problems, path.name), problems)


class _ChildRows:
    """The rows as they arrive; closing them, or dropping them unread, stops the child.
    (The generator does not refer back to this object: no cycle, so dropping it acts at once.)"""

    def __init__(self, child, receive, problems: list, file_name: str):
        self._child, self._receive = child, receive
        self._rows = _received(child, receive, problems, file_name)

    def __iter__(self) -> Iterator[tuple[int, list]]:
        return self

    def __next__(self) -> tuple[int, list]:
        return next(self._rows)

    def close(self) -> None:
        self._rows.close()
        _stop(self._child, self._receive)

    __del__ = close


def _stop(child, receive) -> None:
    receive.close()
    if child.is_alive():
        child.kill()
    child.join()


def _received(child, receive, problems: list, file_name: str) -> Iterator[tuple[int, list]]:
    try:
        while True:
            try:
                kind, payload = pickle.loads(receive.recv_bytes())
            except EOFError:
                raise SheetError(f"{file_name}：读取表格的进程意外退出（退出码 {child.exitcode}），未读完") from None
            if kind == "rows":
                yield from payload
            elif kind == "error":
                raise payload
            else:
                problems.extend(payload)
                return
    finally:  # read to the end, stopped early, or failed: the child is not left behind
        _stop(child, receive)


def _read(parent: int, table: SheetRows, send, file_name: str) -> None:
    die_with_parent(parent)
    gc.disable()  # rows are plain lists freed as they are sent; no cycles to look for
    batch: list = []

    def sent(kind: str, payload) -> None:
        send.send_bytes(pickle.dumps((kind, payload), pickle.HIGHEST_PROTOCOL))

    try:
        try:
            for row in table.rows:
                batch.append(row)
                if len(batch) == BATCH:
                    sent("rows", batch)
                    batch = []
        except Exception as e:  # the rows before it, then the error, raised where the rows are read
            sent("rows", batch)
            try:
                sent("error", e)
            except BrokenPipeError:
                raise
            except Exception:  # an error that cannot be pickled: its text, in a SheetError naming the file
                sent("error", SheetError(f"{file_name}：读取时出错，未读完（{type(e).__name__}：{e}）"))
            return
        sent("rows", batch)
        sent("end", table.problems)
    except BrokenPipeError:  # the reader stopped early
        return
