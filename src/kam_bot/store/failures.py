"""What a database failure is, for people: the storage refusing writes, the database not
answering, or neither (a bug, a refusal of ours). SQLAlchemy's and the drivers' errors are only
known here (``store/``); adapters and jobs ask ``outage_kind`` to log an outage as one line.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exc as sa_exc

DISK_FULL = "disk full"
READ_ONLY = "read-only"
IO_ERROR = "I/O error"

_SQLSTATES = {"53100": DISK_FULL, "25006": READ_ONLY, "58030": IO_ERROR}
_MESSAGES = (
    ("database or disk is full", DISK_FULL),
    ("no space left on device", DISK_FULL),
    ("could not extend file", DISK_FULL),
    ("readonly database", READ_ONLY),
    ("read-only transaction", READ_ONLY),
    ("disk i/o error", IO_ERROR),
)


def storage_failure(error: BaseException) -> str | None:
    """``disk full``, ``read-only`` or ``I/O error`` when ``error`` is the storage refusing a
    write (SQLite or PostgreSQL, wrapped by SQLAlchemy or not); None otherwise."""
    original: Any = getattr(error, "orig", None) or error
    kind = _SQLSTATES.get(str(getattr(original, "sqlstate", "") or ""))
    if kind is not None:
        return kind
    message = str(original).lower()
    return next((kind for words, kind in _MESSAGES if words in message), None)


def outage_kind(error: BaseException) -> str | None:
    """``database writes failing (disk full)``, ``database busy (locked)``, ``database unavailable``
    for a failure of the database itself; None for anything else."""
    storage = storage_failure(error)
    if storage is not None:
        return f"database writes failing ({storage})"
    if isinstance(error, sa_exc.OperationalError) and "database is locked" in str(error):
        return "database busy (locked)"
    outage = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError, sa_exc.DisconnectionError)
    return "database unavailable" if isinstance(error, outage) else None
