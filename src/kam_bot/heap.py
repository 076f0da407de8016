"""Keeping the cyclic garbage collector's full passes short in a long-running process.

A serving process holds about 150,000 objects once its application is built (modules, the
SQLAlchemy mappers, pydantic's schemas, Bolt's listeners), none of which will ever be
garbage. Python's full collection walks every one of them: on the ``/visit`` bench each
serving process's first full collection came about 2 s into the load and took 160-200 ms,
and every request in flight on that process waited for it (at 10 concurrent requests, the
ten slowest acknowledgements were all 150-210 ms, against a p99 of 40 ms). ``gc.freeze``
moves what is alive into a generation the collector no longer walks; what is made afterwards
is collected as before.

A young collection runs each time 700 more container objects are alive than at the last one
(Python's default): the objects of ten requests in flight (each submitted modal's parsed view
alone is thousands of dicts and lists) crossed that every few requests, and each crossing
walked them all again. On the submission bench (1,500 saves, two worker processes) each
worker ran about 380 young and 35 middle collections, 0.3-0.4 s of its 6 s of CPU; with
``YOUNG_COLLECTION_AFTER`` it runs 2-5, 0.02-0.05 s. Garbage in cycles is still collected,
only later (a few megabytes at most wait for it).

Only processes that serve call this (``kam-bot serve`` and its form processes), once, after
they are built (a form process once more, after its first forms: ``builder.REFREEZE_AFTER``): in
a test run it would keep every app that ever existed from being freed.
"""

from __future__ import annotations

import gc

YOUNG_COLLECTION_AFTER = 20_000
"""Container objects alive beyond the last collection's before a serving process's next young one."""


def freeze_built() -> None:
    """Collect what building left behind, then leave everything still alive out of later
    collections, and make young collections rare (``YOUNG_COLLECTION_AFTER``)."""
    gc.collect()
    gc.freeze()
    _, middle, full = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_AFTER, middle, full)
