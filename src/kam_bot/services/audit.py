"""The audit log: who created, changed, deleted or erased what, and when.

Every write use case calls ``record`` inside its own unit of work, so the entry commits or
rolls back with the change it describes. Entries name the fields touched, never their
values: a contact's personal notes, once erased, leave nothing behind here. Only admins
read the log (``kam-bot audit``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from kam_bot.domain.models import AuditEntry, User
from kam_bot.services import access
from kam_bot.services.ports import Repository, UnitOfWorkFactory

CREATED, CHANGED, DELETED, ERASED = "created", "changed", "deleted", "erased"
IMPORTED, RESTORED = "imported", "restored"
"""One entry per import or restore run (``entity_id`` 0), its counts in ``fields``: a row per
imported record would cost as much as the import."""


def record(
    repo: Repository,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int,
    at: datetime,
    fields: Iterable[str] = (),
) -> None:
    """Write one entry in the caller's transaction; the command line's operator (id 0) is None."""
    repo.stage(
        AuditEntry,
        at=at,
        actor_id=actor_id if actor_id else None,
        action=action,
        entity=entity,
        entity_id=entity_id,
        fields=sorted(set(fields)),
    )


class AuditService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def entries(
        self, actor: User, since: datetime | None = None, user_id: int | None = None, limit: int = 1000
    ) -> list[AuditEntry]:
        """The newest ``limit`` entries (oldest first), from ``since``, by ``user_id``; admins only."""
        access.require_admin(actor)
        with self._uow() as uow:
            return uow.repo.audit_entries(since=since, actor_id=user_id, limit=limit)
