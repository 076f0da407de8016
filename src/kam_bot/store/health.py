"""Whether the database can be written, for readiness (``GET /readyz``, ``/healthz``).

``SELECT 1`` answers on a full disk and on a read-only database file, while every save fails.
Two signals instead:

- a probe that writes: one ``request_keys`` row inserted and deleted in a transaction that
  commits (on PostgreSQL waiting for its WAL to reach the disk), so a read-only database, a
  full PostgreSQL WAL disk or a refused write fails it;
- the writes that failed for the storage itself (disk full, read-only, I/O error) anywhere in
  the process, seen through the engine's ``handle_error`` event: a probe can still fit into
  SQLite's already allocated WAL pages while every real save that must grow the file fails.
  Such a failure keeps the process not ready for ``STORAGE_COOLDOWN_SECONDS``; after that the
  probe alone decides, and the next failing save takes it out again.

A lock wait or a dropped connection is not a storage failure (the database answering or not
is the other half of the check).
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, delete, event, insert, text
from sqlalchemy.engine import ExceptionContext

from kam_bot.logs import OncePer
from kam_bot.store.failures import storage_failure
from kam_bot.store.tables import RequestKeyRow

log = logging.getLogger(__name__)
_said = OncePer(60.0)

STORAGE_COOLDOWN_SECONDS = 30.0
clock = time.monotonic
"""Seconds for the cool-down (tests move it)."""
PROBE_PLATFORM = "health"


@dataclass
class _Seen:
    kind: str
    count: int
    last: float


_failures: WeakKeyDictionary[Engine, _Seen] = WeakKeyDictionary()


def watch(engine: Engine) -> None:
    """Record the storage failures of every statement run on ``engine`` (``make_engine`` calls it)."""
    event.listen(engine, "handle_error", _on_error)


def _on_error(context: ExceptionContext) -> None:
    kind = storage_failure(context.original_exception)
    if kind is None or context.engine is None:
        return
    seen = _failures.get(context.engine)
    now = clock()
    if seen is None or seen.kind != kind or now - seen.last > STORAGE_COOLDOWN_SECONDS:
        _failures[context.engine] = _Seen(kind, 1, now)
    else:
        seen.count, seen.last = seen.count + 1, now


def recent_failure(engine: Engine) -> str | None:
    """The storage failure writes met in the last ``STORAGE_COOLDOWN_SECONDS``, said for people."""
    seen = _failures.get(engine)
    if seen is None:
        return None
    ago = clock() - seen.last
    if ago > STORAGE_COOLDOWN_SECONDS:
        return None
    return f"{seen.kind} ({seen.count} failed, the last {ago:.0f} s ago)"


def database_state(engine: Engine) -> str | None:
    """None when the database answers and takes a write; else what is wrong (``unavailable``,
    ``writes failing: disk full (...)``)."""
    now = datetime.now(UTC)
    key = f"probe:{uuid.uuid4().hex}"
    row = {"platform": PROBE_PLATFORM, "key": key, "seen_at": now, "expires_at": now + timedelta(minutes=1)}
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
            conn.execute(insert(RequestKeyRow).values(**row))
            conn.execute(
                delete(RequestKeyRow).where(
                    RequestKeyRow.platform == PROBE_PLATFORM, RequestKeyRow.key == key
                )
            )
    except Exception as exc:
        kind = storage_failure(exc)
        if kind:
            return f"writes failing: {recent_failure(engine) or kind}"
        cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()[:1]
        _said.log(log, logging.WARNING, "unavailable", "Health check: the database does not answer: %s: %s",
                  type(exc).__name__, cause[0][:200] if cause else "")  # fmt: skip
        return "unavailable"
    recent = recent_failure(engine)
    return f"writes failing: {recent}" if recent else None
