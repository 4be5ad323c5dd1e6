"""Batches written to the gradebook by a second thread while the first goes on reading and marking.

The database drivers release the GIL while the database works (SQLite's
``sqlite3_step``, psycopg's network wait), so on two cores a 50,000-row
answer sheet is read and marked while the previous batch is being written.
The connection is handed over whole: the first thread does not touch it from
the first :meth:`BackgroundWrites.send` until the block ends, and the
transaction is committed (or rolled back) by the first thread afterwards.
An error in the writer stops the reader at its next send and is raised
there; an error in the reader stops the writer before the block exits.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable

__all__ = ["BackgroundWrites"]

_DONE = object()


class BackgroundWrites:
    def __init__(self, write: Callable[[object], None], depth: int = 2):
        self._write = write
        self._queue: queue.Queue = queue.Queue(maxsize=depth)  # bounded: memory holds at most ``depth`` batches
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="qingfeng-gradebook-writer", daemon=True)

    def __enter__(self) -> BackgroundWrites:
        self._thread.start()
        return self

    def send(self, batch: object) -> None:
        """Queue one batch; raises the writer's error if it has failed."""
        while True:
            if self._error is not None:
                raise self._error
            try:
                self._queue.put(batch, timeout=0.2)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        while True:
            batch = self._queue.get()
            if batch is _DONE or self._stop.is_set():
                return
            try:
                self._write(batch)
            except BaseException as e:  # handed to the reader, raised there
                self._error = e
                return

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self._stop.set()
            while True:  # batches still queued will not be written
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
        while self._thread.is_alive():  # a writer that failed has already returned
            try:
                self._queue.put(_DONE, timeout=0.2)
                break
            except queue.Full:
                continue
        self._thread.join()
        if exc_type is None and self._error is not None:
            raise self._error
