"""users.csv: people, their team, manager, platform ids and reminder settings.

A row whose email is already known updates that user (blank cells keep what is stored);
a row whose email is unknown but whose Slack or Teams id belongs to a user without an
email (someone who talked to the bot before being imported) completes that user.
``manager`` may name a row further down the file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from pydantic import Field

from kam_bot.domain.enums import Role
from kam_bot.domain.models import User
from kam_bot.services.transfer.cells import CsvRecord, Email, LocaleCell, RoleCell, TimeCell, Timezone
from kam_bot.services.transfer.common import RowError
from kam_bot.services.transfer.importer import (
    FirstSeen,
    Importer,
    Parsed,
    Written,
    given,
    new_teams,
    team_errors,
)
from kam_bot.services.users import CHOSEN
from kam_bot.store.lookups import UserIndex, team_ids, user_index

PLATFORM_COLUMNS = {"slack_id": "slack", "teams_id": "teams"}


class UserRecord(CsvRecord):
    email: Email
    display_name: str | None = Field(default=None, max_length=200)
    role: RoleCell | None = None
    team: str | None = Field(default=None, max_length=200)
    manager: Email | None = None
    timezone: Timezone | None = None
    locale: LocaleCell | None = None
    slack_id: str | None = Field(default=None, max_length=200)
    teams_id: str | None = Field(default=None, max_length=200)
    reminder_time: TimeCell | None = None
    away_until: date | None = None

    def identities(self) -> dict[str, str]:
        return {p: getattr(self, c) for c, p in PLATFORM_COLUMNS.items() if getattr(self, c) is not None}


Row = Parsed[UserRecord]


class UsersImport(Importer[UserRecord]):
    record = UserRecord

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
        ids = {column: FirstSeen(column) for column in PLATFORM_COLUMNS}
        in_file = {row.record.email.lower() for row in rows}
        for row in rows:
            record, line = row.record, row.line
            repeat = emails.repeat(record.email.lower(), line, record.email)
            if repeat is not None:
                errors.append(repeat)
                continue
            user_id = self.existing(record)
            for column, platform in PLATFORM_COLUMNS.items():
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
        names = {row.record.team for row in rows if row.record.team}
        created_teams = new_teams(self.repo, names)
        teams = team_ids(self.repo, names)
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
