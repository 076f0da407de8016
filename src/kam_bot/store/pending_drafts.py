"""SQL for pending drafts (see ``services.drafts``)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from kam_bot.services.drafts import PendingDraft
from kam_bot.store.tables import PendingDraftRow

_FIELDS = ("kind", "rest", "line", "state", "created_at", "expires_at")


class SqlPendingDrafts:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def get(self, user_id: int, surface: str) -> PendingDraft | None:
        with self._sessions() as session:
            row = _row(session, user_id, surface)
            if row is None:
                return None
            return PendingDraft(
                user_id=row.user_id, surface=row.surface, id=row.id, **{f: getattr(row, f) for f in _FIELDS}
            )

    def put(self, draft: PendingDraft) -> PendingDraft:
        with self._sessions() as session:
            row = _row(session, draft.user_id, draft.surface)
            if row is None:
                row = PendingDraftRow(user_id=draft.user_id, surface=draft.surface)
                session.add(row)
            for name in _FIELDS:
                setattr(row, name, getattr(draft, name))
            session.commit()
            draft.id = row.id
        return draft

    def drop(self, user_id: int, surface: str) -> None:
        with self._sessions() as session:
            session.execute(
                delete(PendingDraftRow).where(
                    PendingDraftRow.user_id == user_id, PendingDraftRow.surface == surface
                )
            )
            session.commit()


def _row(session: Session, user_id: int, surface: str) -> PendingDraftRow | None:
    return session.scalar(
        select(PendingDraftRow).where(PendingDraftRow.user_id == user_id, PendingDraftRow.surface == surface)
    )
