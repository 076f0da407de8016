"""What the services need from the outside: a unit of work and a clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol

from kam_bot.store.repository import SqlRepository


class UnitOfWork(Protocol):
    """One transaction. The repository it exposes is the store's query surface."""

    @property
    def repo(self) -> SqlRepository: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
