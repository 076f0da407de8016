"""Slots: each scheduled run claims its (job, slot) row, so one process does each run.

A job ticks every ``width`` (5 minutes for reminders). A tick at ``now`` belongs to the slot
ending at ``now`` floored to ``width`` since the epoch, in UTC (``2026-11-23T08:30Z``), and
covers the window ``(start, slot]`` where ``start`` is the slot of the latest *finished* run
of the job (at most ``MAX_CATCH_UP`` back; with no finished run, one width).

A tick with nobody due in its window writes nothing (an idle tick is two reads: the window
just extends from the last finished run). A tick with work inserts ``JobRunRow(job, slot)``;
the unique (job, slot) makes a second process's insert a no-op and that process skips the
run. A run is finished only when every decision in it succeeded, so a run that crashed or
failed is covered again by the next tick's window: a missed or failed tick catches up.
Overlapping windows are harmless: the outbox key makes a second decision a no-op. Whether a
moment caught up late is still worth sending (same local day) is ``planning``'s rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Engine, Row, Select, Table, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from kam_bot.domain.models import Team
from kam_bot.store.repository import SqlRepository
from kam_bot.store.tables import JobRunRow, TeamRow, UserRow

MAX_CATCH_UP = timedelta(hours=24)
KEEP_RUNS = timedelta(days=14)
"""Finished run rows older than this are deleted (the window never looks further back)."""
SLOT_FORMAT = "%Y-%m-%dT%H:%MZ"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def slot_end(now: datetime, width: timedelta) -> datetime:
    """``now`` floored to a multiple of ``width`` since the epoch (UTC)."""
    elapsed = now.astimezone(UTC) - _EPOCH
    return _EPOCH + (elapsed // width) * width


def slot_name(slot: datetime) -> str:
    return slot.astimezone(UTC).strftime(SLOT_FORMAT)


def parse_slot(name: str) -> datetime:
    return datetime.fromisoformat(name).astimezone(UTC)


@dataclass(frozen=True)
class Window:
    job: str
    slot: datetime
    start: datetime
    """Exclusive; ``slot`` is the inclusive end."""

    @property
    def name(self) -> str:
        return slot_name(self.slot)


RUNS = cast(Table, JobRunRow.__table__)
_CLAIM = {
    name: insert(RUNS)
    .values(
        job=bindparam("b_job"),
        slot=bindparam("b_slot"),
        claimed_by=bindparam("b_by"),
        claimed_at=bindparam("b_at"),
    )
    .on_conflict_do_nothing(index_elements=["job", "slot"])
    .returning(RUNS.c.id)
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_LAST_FINISHED = select(func.max(RUNS.c.slot)).where(
    RUNS.c.job == bindparam("b_job"), RUNS.c.finished_at.is_not(None), RUNS.c.slot < bindparam("b_slot")
)
_FINISH = (
    update(RUNS)
    .where(RUNS.c.job == bindparam("b_job"), RUNS.c.slot == bindparam("b_slot"))
    .values(finished_at=bindparam("b_at"))
)
_FORGET = delete(RUNS).where(
    RUNS.c.job == bindparam("b_job"), RUNS.c.slot < bindparam("b_before"), RUNS.c.finished_at.is_not(None)
)
"""Statements built once (Core, bound parameters): a tick runs every few minutes for ever."""


LAST_FINISHED = _LAST_FINISHED.scalar_subquery().label("last_finished")
"""The latest finished slot of job ``b_job`` before ``b_slot``, as a column to add to another query."""


def window_params(job: str, now: datetime, width: timedelta) -> dict[str, str]:
    return {"b_job": job, "b_slot": slot_name(slot_end(now, width))}


def window_after(last: str | None, job: str, now: datetime, width: timedelta) -> Window:
    """The window a tick at ``now`` covers, given the latest finished slot (at most ``MAX_CATCH_UP``)."""
    slot = slot_end(now, width)
    start = parse_slot(last) if last else slot - width
    return Window(job, slot, max(start, slot - MAX_CATCH_UP))


def window(session: Session | Connection, job: str, now: datetime, width: timedelta) -> Window:
    last = session.execute(_LAST_FINISHED, window_params(job, now, width)).scalar()
    return window_after(last, job, now, width)


def claim(session: Session, window: Window, by: str, now: datetime) -> bool:
    """Claim the window's slot; False when another run has it. Commit is the caller's."""
    dialect = "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"
    params = {"b_job": window.job, "b_slot": window.name, "b_by": by[:100], "b_at": now}
    return session.execute(_CLAIM[dialect], params).first() is not None


def finish(session: Session, window: Window, now: datetime) -> None:
    """Mark the run finished (its window is done) and forget finished runs older than ``KEEP_RUNS``."""
    session.execute(_FINISH, {"b_job": window.job, "b_slot": window.name, "b_at": now})
    session.execute(_FORGET, {"b_job": window.job, "b_before": slot_name(window.slot - KEEP_RUNS)})


_USERS = cast(Table, UserRow.__table__)
_PLANNING_USERS = select(
    _USERS.c.id,
    _USERS.c.timezone,
    _USERS.c.reminder_time,
    _USERS.c.away_until,
    _USERS.c.team_id,
    LAST_FINISHED,
)
_TEAMS = select(cast(Table, TeamRow.__table__), LAST_FINISHED)
"""Who might be due, with the latest finished slot on every row: an idle tick is one statement."""

PlanningPerson = tuple[int, str, time, date | None, int | None]
"""(user id, time zone, reminder time, away until, team id): what the reminder planner reads of a person."""


class SqlSlots:
    """The planner ticks' reads and their slot claims, each in its own transaction."""

    def __init__(self, engine: Engine, sessions: sessionmaker[Session]) -> None:
        self._engine = engine
        self._sessions = sessions

    def _read(
        self, stmt: Select[Any], job: str, now: datetime, width: timedelta
    ) -> tuple[Sequence[Row[Any]], str | None]:
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            rows = conn.execute(stmt, window_params(job, now, width)).all()
        return rows, (rows[0].last_finished if rows else None)

    def people(self, job: str, now: datetime, width: timedelta) -> tuple[list[PlanningPerson], str | None]:
        """Everyone the reminder planner may find due, and the job's latest finished slot."""
        rows, last = self._read(_PLANNING_USERS, job, now, width)
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows], last

    def teams(self, job: str, now: datetime, width: timedelta) -> tuple[list[Team], str | None]:
        """Every team, and the job's latest finished slot."""
        rows, last = self._read(_TEAMS, job, now, width)
        teams = [Team.model_validate(row._mapping) for row in rows]
        if teams:
            with self._sessions() as session:
                destinations = SqlRepository(session).team_destinations([team.id for team in teams])
            for team in teams:
                team.digest_destinations = destinations.get(team.id, {})
        return teams, last

    def claim(self, window: Window, by: str, now: datetime) -> bool:
        with self._sessions() as session:
            won = claim(session, window, by, now)
            session.commit()
            return won

    def finish(self, window: Window, now: datetime) -> None:
        with self._sessions() as session:
            finish(session, window, now)
            session.commit()
