"""A large case import's per-row work shared out between processes.

Checking a row (reading its cells, completing and validating the case) and
writing its staged file are pure Python, one row at a time: one core's work.
A sheet of more than :data:`POOL_FROM` rows starts worker processes (forked
after the first rows, so they inherit the reading plan and stay small).  While
this process reads the next rows from the file, the workers check the ones
already read, in chunks; later they write the staged case files.  Results come
back in row order, so errors still read from top to bottom, and what is
written is the same as with one process.  Workers are killed with the import on
any exit (:func:`qingfeng.exam.staging.die_with_parent`), and terminated when
the block ends.

Only plain data crosses between processes: a row's stored values, a case's
mapping, its errors.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path

from ..exam.staging import die_with_parent
from ..spreadsheet import RowError
from .model import Case, case_from_dict
from .transaction import stage_files, write_case_files

__all__ = ["RowWorkers", "POOL_FROM"]

POOL_FROM = 2_000  # below this, starting processes costs more than it saves
CHUNK = 500

Check = Callable[[int, list], tuple[Case | None, list[RowError]]]
_CHECK: Check | None = None  # in a worker: the import's row check, inherited through fork


class RowWorkers:
    """``with RowWorkers(check) as workers``: ``check(row_no, values)`` is one row's
    ``(case or None, errors)`` (:func:`.importer.check_row` with the sheet's plan)."""

    def __init__(self, check: Check, processes: int | None = None):
        self._check = check
        self._processes = processes if processes is not None else min(2, os.cpu_count() or 1)
        self._pool = None

    def __enter__(self) -> RowWorkers:
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.terminate()  # also on an error or SIGTERM: no worker outlives the import
            self._pool.join()
            self._pool = None

    def check(self, rows: Iterable[tuple[int, list]]) -> Iterator[tuple[int, Case | None, list[RowError]]]:
        """Every row's case (None if it has errors) and errors, in row order."""
        check, rows = self._check, iter(rows)
        head = list(islice(rows, POOL_FROM))
        pooled = len(head) == POOL_FROM and self._processes >= 2
        for row_no, values in head if pooled else chain(head, rows):
            yield (row_no, *check(row_no, values))
        if not pooled:
            return
        del head
        # the pool's feeder thread reads the file while the workers check; the iterator ends only
        # once the reader is exhausted, so the sheet's problems (merged, formula cells) are complete
        for batch in self._started().imap(_check_chunk, _chunks(rows, CHUNK)):
            for row_no, data, errors in batch:
                yield row_no, (None if data is None else case_from_dict(data)), errors

    def stage(self, staging: Path, cases: list[Case]) -> None:
        """:func:`.transaction.stage_files`, by the workers when they were started."""
        if self._pool is None:
            stage_files(staging, cases)
            return
        jobs = ((str(staging), [c.to_dict() for c in cases[i:i + CHUNK]]) for i in range(0, len(cases), CHUNK))
        for _ in self._pool.imap_unordered(_stage_chunk, jobs):
            pass

    def _started(self):
        if self._pool is None:
            ctx = multiprocessing.get_context("fork")
            self._pool = ctx.Pool(self._processes, initializer=_init, initargs=(os.getpid(), self._check))
        return self._pool


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _init(parent: int, check: Check) -> None:
    global _CHECK
    die_with_parent(parent)
    _CHECK = check


def _check_chunk(chunk: list[tuple[int, list]]) -> list[tuple[int, dict | None, list[RowError]]]:
    out = []
    for row_no, values in chunk:
        case, errors = _CHECK(row_no, values)
        out.append((row_no, None if case is None else case.to_dict(), errors))
    return out


def _stage_chunk(job: tuple[str, list[dict]]) -> int:
    return write_case_files(*job)
