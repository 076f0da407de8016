"""Keeping the cyclic garbage collector's full passes short in a long-running process.

A serving process holds about 150,000 objects once its application is built (modules, the
SQLAlchemy mappers, pydantic's schemas, Bolt's listeners), none of which will ever be
garbage. Python's full collection walks every one of them: on the ``/visit`` bench each
serving process's first full collection came about 2 s into the load and took 160-200 ms,
and every request in flight on that process waited for it (at 10 concurrent requests, the
ten slowest acknowledgements were all 150-210 ms, against a p99 of 40 ms). ``gc.freeze``
moves what is alive into a generation the collector no longer walks; what is made afterwards
is collected as before.

Only processes that serve call this (``kam-bot serve`` and its form processes), once, after
they are built (a form process once more, after its first forms: ``builder.REFREEZE_AFTER``): in
a test run it would keep every app that ever existed from being freed.
"""

from __future__ import annotations

import gc


def freeze_built() -> None:
    """Collect what building left behind, then leave everything still alive out of later collections."""
    gc.collect()
    gc.freeze()
