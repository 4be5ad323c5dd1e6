"""Python's cycle collector paused while a large sheet is imported.

A 50,000-row import keeps millions of small objects alive until it ends (the
rows read, the cases or marks made from them).  Each of the collector's full
passes walks all of them, and the passes come more often as the heap grows:
about a tenth of an answer-sheet import's time, for nothing, since the
import makes no reference cycles worth collecting before it returns.  Memory
stays bounded by what the import keeps anyway (``make bench`` reports its
peak); the collector runs again, as before, as soon as the import is over.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic cycle collection inside the block (restored on any exit; nests)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
