"""Resetting a scheduled job between timed runs (shared by the reminder and digest benches)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, insert


def cleanup(engine: Engine, kind: str, job: str) -> None:
    """Leave no pending message of ``kind`` (a later bench's sender would send it) and no run of
    ``job`` (a later scheduler would catch up from it)."""
    from kam_bot.store.tables import JobRunRow, OutboxRow

    with engine.begin() as conn:
        conn.execute(delete(OutboxRow).where(OutboxRow.kind == kind))
        conn.execute(delete(JobRunRow).where(JobRunRow.job == job))


def reset(engine: Engine, kind: str, job: str, day_start: datetime) -> None:
    """An empty outbox of ``kind`` and one finished run of ``job`` at ``day_start``: the next tick's
    window starts there."""
    from kam_bot.store import slots
    from kam_bot.store.tables import JobRunRow

    cleanup(engine, kind, job)
    with engine.begin() as conn:
        conn.execute(
            insert(JobRunRow).values(
                job=job,
                slot=slots.slot_name(day_start),
                claimed_by="bench",
                claimed_at=day_start,
                finished_at=day_start,
            )
        )
