"""``kam-bot import``: CSV files of users, accounts, contacts or the price list; JSONL restores.

Every row is validated, and checked against the other rows and the database, before
anything is written; then all rows are written in one transaction. With errors nothing is
written, unless ``skip_bad``: then the rows that passed are written and the report lists
the others. A row that only failed because a row it depends on was dropped (a manager
whose own row was bad) is reported too, so what is written is always consistent.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from kam_bot.domain.models import User
from kam_bot.services import access, audit
from kam_bot.services.errors import InvalidInputError
from kam_bot.services.transfer.cells import row_errors
from kam_bot.services.transfer.common import (
    ImportReport,
    Progress,
    RowError,
    Source,
    target_of,
    ticker,
)
from kam_bot.services.transfer.import_accounts import AccountsImport
from kam_bot.services.transfer.import_calendar import CalendarImport
from kam_bot.services.transfer.import_contacts import ContactsImport
from kam_bot.services.transfer.import_prices import PricesImport
from kam_bot.services.transfer.import_users import UsersImport
from kam_bot.services.transfer.importer import Importer, Parsed
from kam_bot.services.transfer.reading import CsvRow, Input, read_table
from kam_bot.services.transfer.restore import restore_jsonl

EntityName = Literal["accounts", "contacts", "users", "prices", "calendar"]

IMPORTERS: dict[str, type[Importer[Any]]] = {
    "users": UsersImport,
    "accounts": AccountsImport,
    "contacts": ContactsImport,
    "prices": PricesImport,
    "calendar": CalendarImport,
}
"""In the order a first set-up imports them: accounts name owners, contacts name accounts."""


def import_csv(
    source: Source,
    entity: EntityName,
    data: Input,
    *,
    actor: User,
    skip_bad: bool = False,
    strict_teams: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one CSV of ``entity``; see the module docstring and ``IMPORTERS``' record types."""
    kind = IMPORTERS.get(entity)
    if kind is None:
        raise InvalidInputError(
            "transfer.unknown_entity", field="entity", value=entity, choices=", ".join(IMPORTERS)
        )
    access.require_admin(actor)
    target = dataclasses.replace(target_of(source), strict_teams=strict_teams)
    kind = kind.for_target(target)
    table = read_table(data, kind.columns(), kind.required())
    report = ImportReport(entity, rows_total=table.records, errors=list(table.errors))
    if not table.rows:
        return report
    parsed, errors = _parse(kind, table.rows)
    with target.uow() as uow:
        importer = kind(uow.repo, target)
        good, problems = _settle(importer, parsed, keep_going=skip_bad)
        report.errors = sorted([*table.errors, *errors, *problems], key=lambda e: (e.line, e.column or ""))
        if report.errors and not skip_bad:
            return report
        if good:
            written = importer.write(good, ticker(progress, len(good)))
            counts = {"created": written.created, "updated": written.updated}
            counts["skipped"] = len(report.skipped_lines)
            fields = [f"{name}: {n}" for name, n in counts.items()]
            audit.record(uow.repo, actor.id, audit.IMPORTED, entity, 0, target.clock(), fields)
            uow.commit()
            report.rows_written = written.created + written.updated
            report.rows_updated = written.updated
            report.users_created = list(written.users_created)
            report.teams_created = list(written.teams_created)
    return report


def _parse(kind: type[Importer[Any]], rows: Sequence[CsvRow]) -> tuple[list[Parsed[Any]], list[RowError]]:
    parsed: list[Parsed[Any]] = []
    errors: list[RowError] = []
    for row in rows:
        try:
            parsed.append(Parsed(row.line, kind.record.model_validate(row.cells)))
        except ValidationError as exc:
            errors.extend(row_errors(row.line, exc, row.cells))
    return parsed, errors


def _settle(
    importer: Importer[Any], rows: list[Parsed[Any]], *, keep_going: bool
) -> tuple[list[Parsed[Any]], list[RowError]]:
    """The rows that pass the cross-row checks, and the errors of the others.

    Dropping a bad row can break a row that referred to it, so with ``keep_going`` the
    checks run again on what is left until nothing more fails.
    """
    errors = importer.check(rows)
    found = list(errors)
    while errors and keep_going:
        bad = {error.line for error in errors}
        rows = [row for row in rows if row.line not in bad]
        errors = importer.check(rows)
        found.extend(errors)
    return rows, found


def entity_for(path: Path) -> EntityName:
    """``users.csv``, ``accounts-2026.csv``, ``price_list.csv`` ...: the kind a file name starts with."""
    stem = path.stem.lower()
    for name in IMPORTERS:
        if stem.startswith((name, name[:-1])):
            return name  # type: ignore[return-value]
    raise InvalidInputError(
        "transfer.entity_from_name", field="path", name=path.name, choices=", ".join(IMPORTERS)
    )


def import_file(
    source: Source,
    path: str | os.PathLike[str],
    *,
    actor: User,
    entity: EntityName | None = None,
    skip_bad: bool = False,
    strict_teams: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """What ``kam-bot import PATH`` does: ``.jsonl`` restores an export, ``.csv`` imports rows.

    A CSV's kind is ``entity`` or else read from the file name (``entity_for``).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return restore_jsonl(source, path, actor=actor, progress=progress)
    if suffix == ".csv":
        kind = entity or entity_for(path)
        return import_csv(
            source, kind, path, actor=actor, skip_bad=skip_bad, strict_teams=strict_teams, progress=progress
        )
    raise InvalidInputError("transfer.unknown_file_kind", field="path", name=path.name)
