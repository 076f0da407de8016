"""contacts.csv: the decision chain of each account.

``account`` is an account's name or alias, matched as the bot matches what a rep types
exactly (``fold``), never fuzzily: a typo in a file must not attach people to the wrong
customer. A contact already at that account under the same name (ignoring case) is
updated, blank cells keeping what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import Field

from kam_bot.services.inputs import MAX_TEXT
from kam_bot.services.transfer.cells import AttitudeCell, ContactRoleCell, CsvRecord
from kam_bot.services.transfer.common import RowError
from kam_bot.services.transfer.importer import FirstSeen, Importer, Parsed, Written, given
from kam_bot.store import bulk
from kam_bot.store import tables as t
from kam_bot.store.lookups import account_index, contact_ids

SETTABLE = ("title", "department", "role", "attitude", "relationship_strength", "personal_notes")


class ContactRecord(CsvRecord):
    account: str = Field(min_length=1, max_length=300)
    name: str = Field(min_length=1, max_length=200)
    title: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=200)
    role: ContactRoleCell | None = None
    attitude: AttitudeCell | None = None
    relationship_strength: int | None = Field(default=None, ge=1, le=5)
    personal_notes: str | None = Field(default=None, max_length=MAX_TEXT)


Row = Parsed[ContactRecord]


class ContactsImport(Importer[ContactRecord]):
    record = ContactRecord

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.accounts = account_index(self.repo)
        self.contacts = contact_ids(self.repo)

    def account_of(self, record: ContactRecord) -> list[int]:
        return self.accounts.by_key.get(bulk.folded(record.account), [])

    def check(self, rows: Sequence[Row]) -> list[RowError]:
        errors: list[RowError] = []
        names = FirstSeen("name")
        for row in rows:
            record, line = row.record, row.line
            found = self.account_of(record)
            if not found:
                errors.append(
                    RowError(line, "account", "transfer.unknown_account", {"value": record.account})
                )
            elif len(found) > 1:
                listed = ", ".join(self.accounts.names[i] for i in found)
                errors.append(
                    RowError(
                        line,
                        "account",
                        "transfer.ambiguous_account",
                        {"value": record.account, "names": listed},
                    )
                )
            else:
                repeat = names.repeat((found[0], record.name.casefold()), line, record.name)
                if repeat is not None:
                    errors.append(repeat)
        return errors

    def write(self, rows: Sequence[Row], tick: Callable[[int], None]) -> Written:
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for row in rows:
            record = row.record
            account_id = self.account_of(record)[0]
            stored = self.contacts.get((account_id, record.name.casefold()))
            if stored is not None:
                changed.append({"id": stored, "name": record.name, **given(record, *SETTABLE)})
            else:
                fields = {name: getattr(record, name) for name in SETTABLE}
                new.append({"account_id": account_id, "name": record.name, "last_met": None, **fields})
        bulk.update_rows(self.repo, t.ContactRow, changed, tick)
        bulk.insert_rows(self.repo, t.ContactRow, new, tick)
        return Written(len(new), len(changed))
