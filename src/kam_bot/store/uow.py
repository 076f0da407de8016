"""The SQL unit of work: one session, one transaction, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kam_bot.services.ports import ConflictError
from kam_bot.store.repository import SqlRepository

__all__ = ["ConflictError", "SqlUnitOfWork", "SqlUnitOfWorkFactory"]


class SqlUnitOfWork:
    """``with uow: ...; uow.commit()`` — leaving the block without commit rolls everything back."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None
        self._repo: SqlRepository | None = None

    @classmethod
    def for_engine(cls, engine: Engine) -> SqlUnitOfWork:
        return cls(sessionmaker(engine, expire_on_commit=False))

    @property
    def repo(self) -> SqlRepository:
        if self._repo is None:
            raise RuntimeError("unit of work used outside its with-block")
        return self._repo

    def __enter__(self) -> SqlUnitOfWork:
        if self._session is not None:
            raise RuntimeError("unit of work is not re-entrant")
        self._session = self._factory()
        self._repo = SqlRepository(self._session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back what was not committed; a uniqueness clash leaves as ``ConflictError``."""
        assert self._session is not None
        try:
            self._session.rollback()
        finally:
            self._session.close()
            self._session = None
            self._repo = None
        if isinstance(exc, IntegrityError):
            raise ConflictError(str(exc.orig)) from exc

    def commit(self) -> None:
        assert self._session is not None
        try:
            self._session.commit()
        except IntegrityError as exc:
            self._session.rollback()
            raise ConflictError(str(exc.orig)) from exc

    def rollback(self) -> None:
        assert self._session is not None
        self._session.rollback()


SqlUnitOfWorkFactory = Callable[[], SqlUnitOfWork]
"""For code below the services (jobs' batch SQL, bulk import) that needs the store's own repository."""
