"""The shape every CSV import has: a record type, checks across rows, a write."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kam_bot.domain.models import Team
from kam_bot.domain.teams import common_zone
from kam_bot.services.transfer.cells import CsvRecord
from kam_bot.services.transfer.common import RowError, Target
from kam_bot.store.repository import SqlRepository

R = TypeVar("R", bound=CsvRecord)


@dataclass(frozen=True)
class Parsed(Generic[R]):
    line: int
    record: R


@dataclass(frozen=True)
class Written:
    created: int
    updated: int
    users_created: tuple[str, ...] = ()
    teams_created: tuple[str, ...] = ()


class Importer(ABC, Generic[R]):
    """One entity's import, built inside the unit of work that will write it.

    ``check`` finds what single rows cannot show (duplicates within the file, references to
    users, teams or accounts); it may run again on fewer rows once bad ones are dropped, so it
    must not write. ``write`` gets only rows that passed.
    """

    record: type[R]

    def __init__(self, repo: SqlRepository, target: Target) -> None:
        self.repo = repo
        self.target = target

    @classmethod
    def for_target(cls, target: Target) -> type[Importer[R]]:
        """The importer for ``target`` (users: with its platforms' id columns)."""
        return cls

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        return tuple(cls.record.model_fields)

    @classmethod
    def required(cls) -> tuple[str, ...]:
        return tuple(name for name, info in cls.record.model_fields.items() if info.is_required())

    @abstractmethod
    def check(self, rows: Sequence[Parsed[R]]) -> list[RowError]: ...

    @abstractmethod
    def write(self, rows: Sequence[Parsed[R]], tick: Callable[[int], None]) -> Written: ...


class FirstSeen:
    """Remembers the line a key first appeared on, to report later repeats against it."""

    def __init__(self, column: str) -> None:
        self.column = column
        self._lines: dict[Any, int] = {}

    def repeat(self, key: Any, line: int, value: str) -> RowError | None:
        first = self._lines.setdefault(key, line)
        if first == line:
            return None
        return RowError(
            line,
            self.column,
            "transfer.duplicate_in_file",
            {"column": self.column, "value": value, "first_line": first},
        )


def new_teams(repo: SqlRepository, names: Iterable[str | None]) -> list[str]:
    """The team names (as written, first spelling) that no team has yet, case-insensitively."""
    known = {team.name.strip().lower() for team in repo.all(Team)}
    new: dict[str, str] = {}
    for name in names:
        if name and name.strip() and name.strip().lower() not in known:
            new.setdefault(name.strip().lower(), name.strip())
    return sorted(new.values(), key=str.lower)


def team_zones(teams_and_zones: Iterable[tuple[str | None, str | None]]) -> dict[str, str]:
    """Lower-cased team name -> the time zone its rows give most often (``domain.teams.common_zone``),
    for the teams whose rows give any: the zone a team created by the import gets."""
    given: dict[str, list[str | None]] = {}
    for team, zone in teams_and_zones:
        if team and team.strip():
            given.setdefault(team.strip().lower(), []).append(zone)
    found = {team: common_zone(zones) for team, zones in given.items()}
    return {team: zone for team, zone in found.items() if zone}


def team_errors(target: Target, repo: SqlRepository, rows: Sequence[Parsed[Any]]) -> list[RowError]:
    """With ``strict_teams``, each row naming a team that does not exist (a typo makes a new team)."""
    if not target.strict_teams:
        return []
    new = {name.lower() for name in new_teams(repo, (getattr(r.record, "team", None) for r in rows))}
    return [
        RowError(row.line, "team", "transfer.unknown_team", {"value": row.record.team.strip()})
        for row in rows
        if getattr(row.record, "team", None) and row.record.team.strip().lower() in new
    ]


def given(record: CsvRecord, *names: str) -> dict[str, Any]:
    """The named fields the row fills in: on an update, a blank cell keeps the stored value."""
    return {name: getattr(record, name) for name in names if getattr(record, name) is not None}
