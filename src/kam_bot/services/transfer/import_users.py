"""users.csv: people, their team, manager, platform ids and reminder settings.

A row whose email is already known updates that user (blank cells keep what is stored);
a row whose email is unknown but whose id on a chat platform belongs to a user without an
email (someone who talked to the bot before being imported) completes that user. The id
columns are the platforms' (``<platform>_id``: ``Target.identity_columns``).
``manager`` may name a row further down the file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, ClassVar

from pydantic import Field, create_model

from kam_bot.domain.enums import Role
from kam_bot.domain.models import User
from kam_bot.services.transfer.cells import CsvRecord, Email, LocaleCell, RoleCell, TimeCell, Timezone
from kam_bot.services.transfer.common import RowError, Target
from kam_bot.services.transfer.importer import (
    FirstSeen,
    Importer,
    Parsed,
    Written,
    given,
    new_teams,
    team_errors,
    team_zones,
)
from kam_bot.services.users import CHOSEN
from kam_bot.store.lookups import UserIndex, team_ids, user_index


class UserRecord(CsvRecord):
    email: Email
    display_name: str | None = Field(default=None, max_length=200)
    role: RoleCell | None = None
    team: str | None = Field(default=None, max_length=200)
    manager: Email | None = None
    timezone: Timezone | None = None
    locale: LocaleCell | None = None
    reminder_time: TimeCell | None = None
    away_until: date | None = None

    identity_columns: ClassVar[Mapping[str, str]] = {}
    """Column -> platform of the ids it holds; the columns themselves are added by ``with_ids``."""

    def identities(self) -> dict[str, str]:
        found = {p: getattr(self, c, None) for c, p in self.identity_columns.items()}
        return {p: value for p, value in found.items() if value is not None}


@functools.cache
def with_ids(columns: tuple[tuple[str, str], ...]) -> type[UserRecord]:
    """``UserRecord`` with a column of ids per platform: ((column, platform), ...)."""
    fields: dict[str, Any] = {c: (str | None, Field(default=None, max_length=200)) for c, _ in columns}
    record = create_model("UserRecord", __base__=UserRecord, **fields)
    record.identity_columns = dict(columns)
    return record


Row = Parsed[UserRecord]


class UsersImport(Importer[UserRecord]):
    record = UserRecord

    @classmethod
    def for_target(cls, target: Target) -> type[UsersImport]:
        columns = tuple(target.identity_columns.items())
        return type("UsersImport", (cls,), {"record": with_ids(columns)}) if columns else cls

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        """The ids after the person's settings, before their reminder (the documented order)."""
        ids = list(cls.record.identity_columns)
        rest = [name for name in super().columns() if name not in ids]
        at = rest.index("reminder_time")
        return (*rest[:at], *ids, *rest[at:])

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.users: UserIndex = user_index(self.repo)

    def existing(self, record: UserRecord) -> int | None:
        """The stored user a row is about: by email, else by a platform id of a user with no email."""
        found = self.users.by_email.get(record.email.lower())
        if found is not None:
            return found
        for platform, external_id in record.identities().items():
            owner = self.users.by_identity.get((platform, external_id))
            if owner is not None and self.users.email_of.get(owner) is None:
                return owner
        return None

    def check(self, rows: Sequence[Row]) -> list[RowError]:
        errors: list[RowError] = []
        emails = FirstSeen("email")
        columns = self.record.identity_columns
        ids = {column: FirstSeen(column) for column in columns}
        in_file = {row.record.email.lower() for row in rows}
        for row in rows:
            record, line = row.record, row.line
            repeat = emails.repeat(record.email.lower(), line, record.email)
            if repeat is not None:
                errors.append(repeat)
                continue
            user_id = self.existing(record)
            for column, platform in columns.items():
                value = getattr(record, column)
                if value is None:
                    continue
                repeat = ids[column].repeat(value, line, value)
                holder = self.users.by_identity.get((platform, value))
                if repeat is not None:
                    errors.append(repeat)
                elif holder is not None and holder != user_id:
                    errors.append(
                        RowError(
                            line,
                            column,
                            "transfer.identity_taken",
                            {
                                "column": column,
                                "value": value,
                                "email": self.users.email_of.get(holder) or "?",
                            },
                        )
                    )
            manager = record.manager.lower() if record.manager else None
            if manager == record.email.lower():
                errors.append(RowError(line, "manager", "transfer.self_manager", {"value": record.manager}))
            elif manager is not None and manager not in in_file and manager not in self.users.by_email:
                errors.append(
                    RowError(line, "manager", "transfer.unknown_manager", {"value": record.manager})
                )
        return errors + team_errors(self.target, self.repo, rows)

    def write(self, rows: Sequence[Row], tick: Callable[[int], None]) -> Written:
        names = list(dict.fromkeys(row.record.team for row in rows if row.record.team))  # in file order
        created_teams = new_teams(self.repo, names)
        zones = team_zones((row.record.team, row.record.timezone) for row in rows)
        teams = team_ids(self.repo, names, zones, self.target.default_timezone)
        ids: dict[str, int] = {}
        updated = 0
        for row in rows:
            record = row.record
            fields = given(
                record, "display_name", "role", "timezone", "locale", "reminder_time", "away_until"
            )
            if record.team:
                fields["team_id"] = teams[record.team.lower()]
            chosen = fields.keys() & CHOSEN  # an admin's timezone / locale: no platform overwrites it
            user_id = self.existing(record)
            if user_id is not None:
                if self.users.email_of.get(user_id) is None:
                    fields["email"] = record.email
                current = self.repo.get(User, user_id)
                fields["chosen"] = sorted(chosen | set(current.chosen if current else ()))
                self.repo.update(User, user_id, identities=record.identities(), **fields)
                updated += 1
            else:
                user_id = self.repo.add(
                    User,
                    **{
                        "display_name": record.email.split("@")[0],
                        "role": Role.REP,
                        "timezone": self.target.default_timezone,
                        "locale": self.target.default_locale,
                        **fields,
                        "chosen": sorted(chosen),
                        "email": record.email,
                        "identities": record.identities(),
                    },
                ).id
            ids[record.email.lower()] = user_id
            tick(1)
        for row in rows:
            if row.record.manager:
                manager = row.record.manager.lower()
                manager_id = ids.get(manager) or self.users.by_email[manager]
                self.repo.update(User, ids[row.record.email.lower()], manager_id=manager_id)
        return Written(len(rows) - updated, updated, teams_created=tuple(created_teams))
