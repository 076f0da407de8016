"""Undo what was just saved: a visit with everything it recorded, or the rep's last save.

A visit is undone whole: its promises (with their history), prices, stock counts and
competitor notes go with it, and a stage it moved goes back to where it was. Contacts it
added stay: the people were met. Only the rep who logged it undoes it, within
``UNDO_WINDOW`` of saving; later it is corrected (Edit), not undone.

``last`` finds the rep's newest save within the window in the audit log, so ``undo`` alone
needs no number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kam_bot.domain.enums import StageKind
from kam_bot.domain.models import (
    Account,
    CompetitorNote,
    InventoryObservation,
    PriceObservation,
    Promise,
    StageChange,
    User,
    Visit,
)
from kam_bot.services import access, audit
from kam_bot.services.errors import InvalidInputError
from kam_bot.services.ports import Clock, Repository, UnitOfWorkFactory

UNDO_WINDOW = timedelta(minutes=15)
UNDOABLE = ("visit", "promise", "price", "stock")
"""What ``undo`` alone may take back: the entities a rep saves from a typed line or a form."""


FOLLOWED = {"competitor_note": "competitor"}
"""Audit entity -> the kind ``record_change`` names, where they differ."""


@dataclass(frozen=True)
class UndoneVisit:
    visit: Visit
    account: Account
    promises: int
    observations: int


class UndoService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def last(self, actor: User) -> tuple[str, int] | None:
        """The kind and id of the actor's newest save within the window that still exists."""
        since = self._clock() - UNDO_WINDOW
        models: dict[str, type[Visit | Promise | PriceObservation | InventoryObservation]] = {
            "visit": Visit,
            "promise": Promise,
            "price": PriceObservation,
            "stock": InventoryObservation,
        }
        with self._uow() as uow:
            entries = uow.repo.audit_entries(since=since, actor_id=actor.id, limit=200)
            undone = {(e.entity, e.entity_id) for e in entries if e.action == audit.DELETED}
            for entry in reversed(entries):  # newest first; a visit's own entry follows its lines'
                key = (entry.entity, entry.entity_id)
                if entry.action != audit.CREATED or entry.entity not in UNDOABLE or key in undone:
                    continue
                found = uow.repo.get(models[entry.entity], entry.entity_id)
                if found is None or (isinstance(found, Promise) and found.status.value != "open"):
                    continue
                return key
        return None

    def visit(self, actor: User, visit_id: int) -> UndoneVisit | None:
        """Remove the visit and what it recorded; None when it is already gone."""
        now = self._clock()
        with self._uow() as uow:
            repo = uow.repo
            visit = repo.get(Visit, visit_id)
            if visit is None:
                return None
            access.require(visit.rep_id == actor.id, "undo")
            if now - visit.created_at > UNDO_WINDOW:
                minutes = int(UNDO_WINDOW.total_seconds() // 60)
                raise InvalidInputError("undo.too_late", field="visit", minutes=minutes)
            account = repo.get(Account, visit.account_id)
            assert account is not None
            promises = repo.promises_where(visit_id=visit.id, status=None)
            prices, stocks, notes = repo.observations_for_visit(visit.id)
            _revert_stages(repo, actor.id, account, repo.stage_changes_for_visit(visit.id), now)
            repo.delete(Promise, [p.id for p in promises])
            repo.delete(PriceObservation, [p.id for p in prices])
            repo.delete(InventoryObservation, [s.id for s in stocks])
            repo.delete(CompetitorNote, [n.id for n in notes])
            repo.delete(Visit, [visit.id])
            for entity, ids in (
                ("promise", [p.id for p in promises]),
                ("price", [p.id for p in prices]),
                ("stock", [s.id for s in stocks]),
                ("competitor_note", [n.id for n in notes]),
                ("visit", [visit.id]),
            ):
                for entity_id in ids:
                    audit.record(repo, actor.id, audit.DELETED, entity, entity_id, now)
                    repo.record_change(FOLLOWED.get(entity, entity), entity_id, "deleted", now)
            uow.commit()
        return UndoneVisit(visit, account, len(promises), len(prices) + len(stocks) + len(notes))


def _revert_stages(
    repo: Repository, actor_id: int, account: Account, changes: list[StageChange], now: datetime
) -> None:
    """Put each stage the visit moved back where it was, and forget the move."""
    for change in changes:
        column = "funnel_stage" if change.kind is StageKind.FUNNEL else "procurement_stage"
        repo.update(Account, account.id, **{column: change.from_stage, "updated_at": now})
        audit.record(repo, actor_id, audit.CHANGED, "account", account.id, now, [column])
    repo.delete(StageChange, [c.id for c in changes])
