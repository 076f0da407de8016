"""SQL for conversation references (see ``services.conversations``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kam_bot.services.conversations import ConversationRef
from kam_bot.services.ports import Clock
from kam_bot.store.tables import ConversationRefRow, SentCardRow

_FIELDS = ("conversation_id", "service_url", "tenant_id", "bot_id", "user_id")


class SqlConversationRefs:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def save(self, ref: ConversationRef) -> None:
        """Insert or replace; a concurrent insert of the same person is retried as an update (a
        Teams client's first contact sends its activities at once: each stores the reference)."""
        try:
            self._save(ref)
        except IntegrityError:
            self._save(ref)  # the other request's row is there now: this one updates it

    def _save(self, ref: ConversationRef) -> None:
        with self._sessions() as session:
            row = session.scalar(
                select(ConversationRefRow).where(
                    ConversationRefRow.platform == ref.platform,
                    ConversationRefRow.external_id == ref.external_id,
                )
            )
            if row is None:
                row = ConversationRefRow(platform=ref.platform, external_id=ref.external_id)
                session.add(row)
            for name in _FIELDS:
                value = getattr(ref, name)
                if value is not None or name != "user_id":
                    setattr(row, name, value)
            row.updated_at = self._clock()
            session.commit()

    def get(self, platform: str, external_id: str) -> ConversationRef | None:
        with self._sessions() as session:
            row = session.scalar(
                select(ConversationRefRow).where(
                    ConversationRefRow.platform == platform, ConversationRefRow.external_id == external_id
                )
            )
            if row is None:
                return None
            return ConversationRef(
                platform=row.platform,
                external_id=row.external_id,
                **{name: getattr(row, name) for name in _FIELDS},
            )

    def known(self, platform: str, external_ids: list[str]) -> set[str]:
        if not external_ids:
            return set()
        with self._sessions() as session:
            return set(
                session.scalars(
                    select(ConversationRefRow.external_id).where(
                        ConversationRefRow.platform == platform,
                        ConversationRefRow.external_id.in_(external_ids),
                    )
                )
            )

    def save_card(self, platform: str, message_id: str, content: dict[str, Any]) -> None:
        with self._sessions() as session:
            row = session.scalar(
                select(SentCardRow).where(
                    SentCardRow.platform == platform, SentCardRow.message_id == message_id
                )
            )
            if row is None:
                session.add(
                    SentCardRow(
                        platform=platform, message_id=message_id, content=content, created_at=self._clock()
                    )
                )
            else:
                row.content = content
            session.commit()

    def card(self, platform: str, message_id: str) -> dict[str, Any] | None:
        with self._sessions() as session:
            content = session.scalar(
                select(SentCardRow.content).where(
                    SentCardRow.platform == platform, SentCardRow.message_id == message_id
                )
            )
            return dict(content) if content is not None else None
