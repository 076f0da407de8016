"""The set-based reads behind the manager's team view: one query each over a team's accounts.

Of contacts only role, attitude, last met and name are read (never personal notes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kam_bot.domain.enums import Attitude, ContactRole, PromiseStatus, StageKind
from kam_bot.domain.insight.coverage import ChainMember
from kam_bot.domain.models import Promise
from kam_bot.store import tables as tb


def chain_members(session: Session, ids: Sequence[int]) -> list[ChainMember]:
    c = tb.ContactRow
    rows = session.execute(
        select(c.id, c.account_id, c.name, c.role, c.attitude, c.last_met).where(c.account_id.in_(ids))
    ).all()
    return [
        ChainMember(
            account_id=r.account_id,
            role=ContactRole(r.role) if r.role else None,
            attitude=Attitude(r.attitude) if r.attitude else None,
            last_met=r.last_met,
            name=r.name,
            contact_id=r.id,
        )
        for r in rows
    ]


def promises_for_record(session: Session, ids: Sequence[int], due_from: date) -> list[Promise]:
    """Not cancelled, and due on or after ``due_from`` or still open (overdue ones included)."""
    p = tb.PromiseRow
    stmt = select(p).where(
        p.account_id.in_(ids),
        p.status != PromiseStatus.CANCELLED.value,
        or_(p.due_date >= due_from, p.status == PromiseStatus.OPEN.value),
    )
    return [Promise.model_validate(r) for r in session.scalars(stmt.order_by(p.due_date, p.id))]


def visit_times(session: Session, ids: Sequence[int], since: datetime) -> list[tuple[int, datetime]]:
    v = tb.VisitRow
    rows = session.execute(
        select(v.account_id, v.visited_at).where(v.account_id.in_(ids), v.visited_at >= since)
    )
    return [(r.account_id, r.visited_at) for r in rows]


def last_procurement_moves(session: Session, ids: Sequence[int]) -> dict[int, datetime]:
    sc = tb.StageChangeRow
    rows = session.execute(
        select(sc.account_id, func.max(sc.changed_at))
        .where(sc.account_id.in_(ids), sc.kind == StageKind.PROCUREMENT.value)
        .group_by(sc.account_id)
    ).all()
    return {account_id: at for account_id, at in rows if at is not None}
