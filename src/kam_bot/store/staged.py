"""Rows the repository writes with Core ``INSERT``s at the session's next flush, not as ORM objects.

A visit's promises, observations, events and audit entries were ORM objects: the unit of work
tracked each one and built its ``INSERT`` at the flush (a third of a save's CPU, for rows that
are never changed afterwards). Here they wait as plain values, one list per table and set of
columns, and go out as one multi-row ``INSERT`` each:

- ``later`` rows come back (``RETURNING`` every column, in the order given) for the callable
  ``SqlRepository.add_many_later`` hands out;
- ``staged`` rows (events, audit entries, read by no one in the transaction) are only written.

They are written when the ORM's own rows would be: an explicit ``flush``, before a query the
session runs with autoflush on (``do_orm_execute``; inside ``no_autoflush`` they wait), and
before the commit (``before_commit``). A rollback drops them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, event, insert
from sqlalchemy.orm import ORMExecuteState, Session

INFO_KEY = "kam_bot.staged"
"""Where a session keeps its ``Staged`` rows (``Session.info``)."""


@dataclass
class _Later:
    table: Table
    rows: list[dict[str, Any]]
    returned: list[dict[str, Any]] | None = None


@dataclass
class Staged:
    later: list[_Later] = field(default_factory=list)
    staged: dict[tuple[Table, tuple[str, ...]], list[dict[str, Any]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.later or self.staged)

    def add_later(self, table: Table, rows: list[dict[str, Any]]) -> Callable[[], list[dict[str, Any]]]:
        """Rows written at the next flush; the callable gives them back (every column) after it."""
        pending = _Later(table, rows)
        if rows:
            self.later.append(pending)
        else:
            pending.returned = []

        def returned() -> list[dict[str, Any]]:
            if pending.returned is None:
                raise RuntimeError("rows read back before the flush that writes them")
            return pending.returned

        return returned

    def stage(self, table: Table, row: dict[str, Any]) -> None:
        self.staged.setdefault((table, tuple(sorted(row))), []).append(row)

    def write(self, session: Session) -> None:
        """Every row waiting, in the order staged: one ``INSERT`` per table and set of columns."""
        later, staged = self.later, self.staged
        self.later, self.staged = [], {}
        conn = session.connection()
        for pending in later:
            stmt = inserting(pending.table, returning=True)
            pending.returned = [dict(row._mapping) for row in conn.execute(stmt, pending.rows)]
        for (table, _), rows in staged.items():
            conn.execute(inserting(table, returning=False), rows)


_INSERTS: dict[tuple[Table, bool], Any] = {}


def inserting(table: Table, returning: bool) -> Any:
    """``INSERT INTO table`` (``RETURNING`` every column, in the order of the rows given), built
    once per table: a statement built per call costs its construction and its cache key."""
    stmt = _INSERTS.get((table, returning))
    if stmt is None:
        stmt = insert(table)
        if returning:
            stmt = stmt.returning(*table.c, sort_by_parameter_order=True)
        _INSERTS[(table, returning)] = stmt
    return stmt


def of(session: Session) -> Staged:
    """The session's waiting rows (created on first use)."""
    staged = session.info.get(INFO_KEY)
    if staged is None:
        staged = session.info[INFO_KEY] = Staged()
    return cast(Staged, staged)


def write(session: Session) -> None:
    staged = session.info.get(INFO_KEY)
    if staged:
        staged.write(session)


def _before_query(state: ORMExecuteState) -> None:
    if state.session.autoflush:
        write(state.session)


def _before_commit(session: Session) -> None:
    write(session)


def _after_rollback(session: Session) -> None:
    session.info.pop(INFO_KEY, None)


_installed: list[bool] = []


def install() -> None:
    """Hook every session's flush points (once per process; the repository calls it)."""
    if _installed:
        return
    event.listen(Session, "do_orm_execute", _before_query)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _installed.append(True)
