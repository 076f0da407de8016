"""Pausing Python's cyclic garbage collector while a tick builds its messages.

A reminder tick's batch of morning DMs allocates some hundred thousand small objects that all
live until the batch is written (the rows read, the models, the messages): each allocation burst
set off full collections that walked them and the whole heap again, about a quarter of the tick's
CPU (``gc.callbacks``). One pause covers all of a tick's batches (with read-ahead, a batch is read
while the one before it is written).

A digest tick reads the figures of every team once (``DigestShare``: hundreds of thousands of
rows kept until the last digest is built) and then allocates many short-lived objects per
digest. With the collector on, each young-generation threshold reached rescans what is alive,
and the growing heap triggers full collections again and again: measured on the bench (100
digests, scale 1), 1,900 collections took 3.6 s of an 11.6 s tick. What a tick allocates is
freed by reference counting; the few cycles it leaves are collected once the collector runs
again after the tick.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic cyclic collection inside; nested or concurrent uses (ticks run in worker
    threads) resume it when the last one leaves, and only if it was on when the first came in."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
