"""What import, export and restore share: who may run them, where they write, what they report."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from kam_bot.config import Settings
from kam_bot.domain.enums import Locale
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.services.ports import Clock, utc_now
from kam_bot.store.uow import SqlUnitOfWork, SqlUnitOfWorkFactory

Progress = Callable[[int, int], None]
"""``progress(done, total)``: rows written so far out of the rows to write."""

PROGRESS_EVERY = 500


@dataclass(frozen=True)
class RowError:
    """One problem in the input. ``line`` is the file line (the header is line 1)."""

    line: int
    column: str | None
    message: str
    """A catalog key (``transfer.*``); render it with ``t(message, locale, **params)``."""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportReport:
    entity: str
    rows_total: int = 0
    rows_written: int = 0
    rows_updated: int = 0
    """Of ``rows_written``, how many updated an existing record instead of creating one."""
    errors: list[RowError] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    """Emails of owners not known before: created as pending users, linked on first contact."""
    teams_created: list[str] = field(default_factory=list)

    @property
    def skipped_lines(self) -> list[int]:
        """Lines left out (``--skip-bad``): each had at least one error."""
        return sorted({e.line for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_created(self) -> int:
        return self.rows_written - self.rows_updated


@runtime_checkable
class AppLike(Protocol):
    """What transfer needs of ``bootstrap.App`` (not imported: bootstrap imports the services)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def identity_platforms(self) -> tuple[str, ...]: ...

    @property
    def identity_columns(self) -> Mapping[str, str]: ...

    def uow(self) -> SqlUnitOfWork: ...


@dataclass(frozen=True)
class Target:
    """The database to read or write, with the defaults new users get."""

    uow: SqlUnitOfWorkFactory
    clock: Clock = utc_now
    default_timezone: str = "UTC"
    default_locale: Locale = Locale.EN
    strict_teams: bool = False
    """Refuse rows naming a team that does not exist, instead of creating it."""
    identity_platforms: tuple[str, ...] = ()
    """The platforms a bare id in a file is looked up on, in this order."""
    identity_columns: Mapping[str, str] = field(default_factory=dict)
    """``users.csv`` column -> the platform of the ids it holds (``slack_id`` -> ``slack``)."""


Source = AppLike | SqlUnitOfWorkFactory


def target_of(source: Source) -> Target:
    if isinstance(source, AppLike):
        return Target(
            source.uow,
            source.clock,
            source.settings.default_timezone,
            resolve_locale(source.settings.default_locale),
            identity_platforms=source.identity_platforms,
            identity_columns=source.identity_columns,
        )
    return Target(source)


def ticker(progress: Progress | None, total: int) -> Callable[[int], None]:
    """``tick(n)`` after each batch of ``n`` rows written; reports every ``PROGRESS_EVERY`` and at the end."""
    done = 0
    reported = 0

    def tick(count: int) -> None:
        nonlocal done, reported
        done += count
        if progress is not None and done != reported and (done - reported >= PROGRESS_EVERY or done == total):
            reported = done
            progress(done, total)

    return tick
