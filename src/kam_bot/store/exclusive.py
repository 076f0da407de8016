"""A name that one process at a time holds across the database (PostgreSQL's advisory locks).

The scheduled jobs of several processes share a tick's morning DMs out in parts
(``jobs.scheduler``); a part is done by the process that holds its name. The lock belongs to a
connection kept for as long as it is held: a process that dies, ``kill -9`` included, drops the
connection and the server releases the lock at once, so another process can take the part over.
What the dead process committed stays written, and the outbox's unique keys stop a second row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

WAIT = "10min"
"""Longest wait for a name another process holds (``lock_timeout``); past it, not taken."""

LOCK_NOT_AVAILABLE = "55P03"
"""The SQLSTATE of a ``lock_timeout`` that ran out."""
_KEY = "hashtextextended(current_schema() || ':' || :name, 0)"
_TRY = text(f"SELECT pg_try_advisory_lock({_KEY})")
_TAKE = text(f"SELECT pg_advisory_lock({_KEY})")
_RELEASE = text(f"SELECT pg_advisory_unlock({_KEY})")


@contextmanager
def exclusive(engine: Engine, name: str, wait: bool) -> Iterator[bool]:
    """True inside when this process holds ``name``: at once (``wait`` False), or after waiting
    up to ``WAIT`` for the process holding it; False: another holds it. Not PostgreSQL: always
    True (SQLite takes one writer, and ``kam-bot serve`` runs one process on it)."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as conn:
        held = _take(conn, name, wait)
        try:
            yield held
        finally:
            if held:
                _release(conn, name)


def _take(conn: Connection, name: str, wait: bool) -> bool:
    if not wait:
        held = bool(conn.execute(_TRY, {"name": name}).scalar())
        conn.commit()
        return held
    try:
        conn.execute(text(f"SET LOCAL lock_timeout = '{WAIT}'"))
        conn.execute(_TAKE, {"name": name})  # the session's lock: it outlives this transaction
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        conn.rollback()
        return False  # the holder is still at it
    conn.commit()
    return True


def _release(conn: Connection, name: str) -> None:
    try:
        conn.execute(_RELEASE, {"name": name})
        conn.commit()
    except DBAPIError:
        conn.invalidate()  # the connection is gone, and the lock with it
