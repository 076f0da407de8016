"""What the scheduled jobs read and write, built once by ``bootstrap`` (``App.jobs``).

The jobs hold no SQL: they open a ``JobsTransaction`` for a decision (read what the messages
say, write their outbox rows, commit), and use ``leases`` (the sender's claims), ``slots``
(the planner ticks' reads and run claims) and the operator's outbox listing from here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from kam_bot.domain.models import Team, User
from kam_bot.services.ports import UnitOfWorkFactory
from kam_bot.store import daily_batch, digest_queries, outbox
from kam_bot.store.digest_share import DigestShare
from kam_bot.store.exclusive import exclusive
from kam_bot.store.lease import SqlLeases
from kam_bot.store.price_book import PriceBook
from kam_bot.store.repository import SqlRepository
from kam_bot.store.slots import SqlSlots
from kam_bot.store.tables import UserRow


class JobsTransaction:
    """One transaction of a job: leaving the ``with`` block without ``commit`` writes nothing."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.repo = SqlRepository(session)

    def commit(self) -> None:
        self._session.commit()

    # -- outbox rows ---------------------------------------------------------------------

    def exists(self, key: str) -> bool:
        return outbox.exists(self._session, key)

    def existing_keys(self, keys: Collection[str]) -> set[str]:
        return outbox.existing_keys(self._session, keys)

    def enqueue(self, message: outbox.NewMessage, now: datetime) -> bool:
        return outbox.enqueue(self._session, message, now)

    def enqueue_many(self, messages: Sequence[outbox.NewMessage], now: datetime) -> int:
        return outbox.enqueue_many(self._session, messages, now)

    # -- morning DMs ---------------------------------------------------------------------

    def users(self, ids: Collection[int]) -> dict[int, User]:
        return daily_batch.users(self._session, ids)

    def load_daily(
        self,
        people: Sequence[tuple[User, date]],
        now: datetime,
        escalation_days: int,
        plan_days: Collection[date] = (),
    ) -> daily_batch.DailyData:
        return daily_batch.load(self._session, people, now, escalation_days, plan_days)

    def prefetch(
        self, reads: daily_batch.BriefReads, account_ids: Collection[int], promises_from: date
    ) -> None:
        reads.prefetch(self._session, account_ids, promises_from)

    # -- digests -------------------------------------------------------------------------

    def team_members(self, team: Team, share: DigestShare | None = None) -> list[User]:
        """The team's members by id; read once for all a tick's teams when ``share`` has the team."""
        if share is not None and team.id in share.windows:
            return list(share.members(self._session).get(team.id, []))
        return digest_queries.members(self.repo, team)

    def digest_reader(
        self,
        team: Team,
        start: datetime,
        end: datetime,
        book: PriceBook | None = None,
        share: DigestShare | None = None,
    ) -> digest_queries.DigestReader:
        return digest_queries.DigestReader(self.repo, team, start, end, book, share)


class SqlJobsStore:
    def __init__(self, engine: Engine, sessions: sessionmaker[Session]) -> None:
        self._engine = engine
        self._sessions = sessions
        self.reads_beside_writes = engine.dialect.name == "postgresql"
        """A transaction may read in one thread while another writes in another (PostgreSQL; not
        SQLite, where a test's in-memory database is one connection shared by every thread)."""
        self.leases = SqlLeases(sessions)
        self.slots = SqlSlots(engine, sessions)

    @contextmanager
    def transaction(self) -> Iterator[JobsTransaction]:
        with self._sessions() as session:
            try:
                yield JobsTransaction(session)
            finally:
                session.rollback()

    def digest_share(self, windows: dict[int, tuple[datetime, datetime]]) -> DigestShare:
        """What the digests of one tick read once (``digest_share``). On PostgreSQL the reads no
        digest's bounds decide start at once on a second connection; on SQLite (one writer, and a
        database in memory is one connection) every read waits for the digest that asks."""
        share = DigestShare(windows)
        if self._engine.dialect.name == "postgresql":
            share.prefetch(self._sessions)
        return share

    def exclusive(self, name: str, wait: bool) -> AbstractContextManager[bool]:
        """Whether this process holds ``name`` across the database, while inside (``exclusive``)."""
        return exclusive(self._engine, name, wait)

    def card_uow(self, reads: daily_batch.BriefReads) -> UnitOfWorkFactory:
        """Units of work whose repository answers the account cards from ``reads`` where it can."""
        return reads.uow(self._sessions)

    def users(self) -> list[User]:
        """Everyone, with their platform identities, by id."""
        with self._sessions() as session:
            ids = list(session.scalars(select(UserRow.id).order_by(UserRow.id)))
            found = daily_batch.users(session, ids)
        return [found[i] for i in ids if i in found]

    # -- the operator's view of the outbox ---------------------------------------------

    def outbox_entries(self) -> list[outbox.OutboxEntry]:
        with self._sessions() as session:
            return outbox.entries(session)

    def dead_people(self, since: datetime, reason: str) -> list[str]:
        """Who the rows written since ``since`` could not reach (``reason``, e.g. no chat identity)."""
        with self._sessions() as session:
            return outbox.dead_people(session, since, reason)

    def outbox_counts(self) -> dict[str, int]:
        with self._sessions() as session:
            return outbox.counts(session)

    def outbox_states(self, now: datetime) -> dict[str, int]:
        """Rows per state: pending, in flight, sent, dead, skipped."""
        with self._sessions() as session:
            return outbox.state_counts(session, now)

    def outbox_incidents(self) -> list[outbox.Incident]:
        """The possible repeats the sender detected, oldest first."""
        with self._sessions() as session:
            return outbox.incidents(session)

    def retry_dead(self, now: datetime, ids: list[int] | None = None) -> int:
        with self._sessions() as session:
            count = outbox.retry_dead(session, now, ids)
            session.commit()
            return count
