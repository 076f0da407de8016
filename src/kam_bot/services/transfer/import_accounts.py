"""accounts.csv: the key accounts, their owner, team, tier and stages.

An account is the same account when its name folds to the same key (``fold``: case,
punctuation, legal suffixes): such a row updates the stored account — archived ones
included — instead of adding a second one, and blank cells keep what is stored. Two rows
of the same folded name in one file are an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pydantic import Field

from kam_bot.domain.enums import FunnelStage, Role, Tier
from kam_bot.domain.models import User
from kam_bot.services.transfer.cells import (
    AliasList,
    CsvRecord,
    FunnelStageCell,
    IntentionCell,
    PowerCell,
    ProcurementStageCell,
    TierCell,
    is_email,
)
from kam_bot.services.transfer.common import RowError
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
from kam_bot.store import bulk
from kam_bot.store import tables as t
from kam_bot.store.lookups import account_index, team_ids, user_index

SETTABLE = (
    "industry",
    "tier",
    "funnel_stage",
    "intention",
    "power",
    "procurement_stage",
    "visit_cadence_days",
)


class AccountRecord(CsvRecord):
    name: str = Field(min_length=1, max_length=300)
    aliases: AliasList | None = None
    """Separated by ``|``."""
    owner: str | None = Field(default=None, max_length=320)
    """Email, ``slack:U123`` / ``teams:...``, or a bare platform id."""
    team: str | None = Field(default=None, max_length=200)
    tier: TierCell | None = None
    industry: str | None = Field(default=None, max_length=200)
    funnel_stage: FunnelStageCell | None = None
    intention: IntentionCell | None = None
    power: PowerCell | None = None
    procurement_stage: ProcurementStageCell | None = None
    visit_cadence_days: int | None = Field(default=None, ge=1, le=3650)


Row = Parsed[AccountRecord]


class AccountsImport(Importer[AccountRecord]):
    record = AccountRecord

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.users = user_index(self.repo, self.target.identity_platforms)
        self.accounts = account_index(self.repo)

    def check(self, rows: Sequence[Row]) -> list[RowError]:
        errors: list[RowError] = []
        names = FirstSeen("name")
        file_names = {bulk.folded(row.record.name): row.record.name for row in reversed(rows)}
        for row in rows:
            record, line = row.record, row.line
            key = bulk.folded(record.name)
            if not key:
                errors.append(RowError(line, "name", "transfer.invalid_name", {"value": record.name}))
                continue
            repeat = names.repeat(key, line, record.name)
            if repeat is not None:
                errors.append(repeat)
                continue
            stored = self.accounts.by_name.get(key, [])
            if len(stored) > 1:
                errors.append(RowError(line, "name", "transfer.name_not_unique", {"value": record.name}))
            if record.owner and self.users.find(record.owner) is None and not is_email(record.owner):
                errors.append(
                    RowError(
                        line, "owner", "transfer.unknown_owner", {"column": "owner", "value": record.owner}
                    )
                )
            for alias in record.aliases or []:
                other = self._other_name(bulk.folded(alias), key, stored, file_names)
                if other is not None:
                    errors.append(
                        RowError(
                            line, "aliases", "transfer.alias_is_other_name", {"value": alias, "name": other}
                        )
                    )
        return errors + team_errors(self.target, self.repo, rows)

    def _other_name(
        self, alias_key: str, own_key: str, own_ids: list[int], file_names: dict[str, str]
    ) -> str | None:
        """The other account an alias would also find by its name, making look-ups ambiguous."""
        if not alias_key or alias_key == own_key:
            return None
        if alias_key in file_names:
            return file_names[alias_key]
        others = [i for i in self.accounts.by_name.get(alias_key, []) if i not in own_ids]
        return self.accounts.names[others[0]] if others else None

    def write(self, rows: Sequence[Row], tick: Callable[[int], None]) -> Written:
        names = list(dict.fromkeys(row.record.team for row in rows if row.record.team))  # in file order
        created_teams = new_teams(self.repo, names)
        teams = team_ids(self.repo, names, self._owner_zones(rows), self.target.default_timezone)
        pending = self._pending_owners(rows, teams)
        now = self.target.clock()
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        changed_aliases: dict[int, tuple[str, list[str]]] = {}
        for row in rows:
            record, key = row.record, bulk.folded(row.record.name)
            fields = given(record, *SETTABLE)
            if record.owner:
                fields["owner_id"] = self.users.find(record.owner)
            if record.team:
                fields["team_id"] = teams[record.team.strip().lower()]
            stored = self.accounts.by_name.get(key)
            if stored:
                if record.aliases is not None:
                    fields["aliases"] = record.aliases
                    changed_aliases[stored[0]] = (key, record.aliases)
                changed.append({"id": stored[0], "name": record.name, "updated_at": now, **fields})
            else:
                if "team_id" not in fields and "owner_id" in fields:
                    fields["team_id"] = self.users.team_of.get(fields["owner_id"])
                new.append({**_new_account(record.name, key, record.aliases or [], now), **fields})
        bulk.update_rows(self.repo, t.AccountRow, changed, tick)
        bulk.replace_aliases(self.repo, changed_aliases)
        ids = bulk.insert_returning_ids(self.repo, t.AccountRow, new, tick)
        alias_rows = [
            alias
            for account_id, row in zip(ids, new, strict=True)
            for alias in bulk.alias_rows(account_id, row["search_key"], row["aliases"])
        ]
        bulk.insert_rows(self.repo, t.AccountAliasRow, alias_rows)
        return Written(len(new), len(changed), tuple(pending), tuple(created_teams))

    def _owner_zones(self, rows: Sequence[Row]) -> dict[str, str]:
        """Lower-cased team name -> the time zone most of its rows' known owners live in."""
        owners = ((row.record.team, self.users.find(row.record.owner or "")) for row in rows)
        return team_zones((team, self.users.zone_of.get(owner) if owner else None) for team, owner in owners)

    def _pending_owners(self, rows: Sequence[Row], teams: dict[str, int]) -> list[str]:
        """Create a user for each owner given by an email nobody has yet: pending until that person
        first talks to the bot on any platform, when the email links them (``UserService.ensure``)."""
        created: list[str] = []
        for row in rows:
            owner = (row.record.owner or "").strip()
            if not owner or self.users.find(owner) is not None:
                continue
            email = owner.lstrip("@").lower()
            team = row.record.team
            user = self.repo.add(
                User,
                display_name=email,
                email=email,
                role=Role.REP,
                team_id=teams[team.strip().lower()] if team else None,
                timezone=self.target.default_timezone,
                locale=self.target.default_locale,
            )
            self.users.by_email[email] = user.id
            self.users.team_of[user.id] = user.team_id
            created.append(email)
        return created


def _new_account(name: str, key: str, aliases: list[str], now: datetime) -> dict[str, Any]:
    """Every column of a new account row (a batch insert needs the same keys in every row)."""
    return {
        "name": name,
        "search_key": key,
        "aliases": aliases,
        "owner_id": None,
        "team_id": None,
        "industry": None,
        "tier": Tier.B,
        "funnel_stage": FunnelStage.POTENTIAL,
        "intention": None,
        "power": None,
        "procurement_stage": None,
        "visit_cadence_days": None,
        "created_at": now,
        "updated_at": now,
        "archived": False,
    }
