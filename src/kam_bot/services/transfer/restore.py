"""Restoring a JSONL export into an empty database, ids and all.

Only into an empty database: merging two histories by id would silently mix records. The
whole file is read and checked first (JSON, types, fields, duplicate ids, references to
records the file does not hold), then written in one transaction, parents before
children. Afterwards PostgreSQL's id sequences are moved past the restored ids.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from kam_bot.domain import models as m
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
from kam_bot.services.transfer.reading import Input, UnreadableFileError, read_text
from kam_bot.services.transfer.records import BY_NAME, TYPES, RecordType, record_id
from kam_bot.store import bulk
from kam_bot.store import tables as t
from kam_bot.store.repository import ROWS, SqlRepository


@dataclass
class Loaded:
    records: dict[str, list[m.Entity]] = field(default_factory=lambda: {kind.name: [] for kind in TYPES})
    lines: dict[tuple[str, int], int] = field(default_factory=dict)
    """(type, id) -> the line it is on."""
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


def restore_jsonl(
    source: Source, data: Input, *, actor: User, progress: Progress | None = None
) -> ImportReport:
    """Restore ``data`` (a path or stream of an ``export_all(fmt="jsonl")``).

    Raises ``InvalidInputError("transfer.restore_not_empty")`` when the database holds any
    record; problems in the file come back in the report, and then nothing is written.
    """
    access.require_admin(actor)
    report = ImportReport("restore")
    target = target_of(source)
    with target.uow() as uow:
        existing = bulk.record_count(uow.repo)
        if existing:
            raise InvalidInputError("transfer.restore_not_empty", count=existing)
        try:
            loaded = load(read_text(data))
        except UnreadableFileError as exc:
            report.errors = [exc.error]
            return report
        report.rows_total = loaded.total
        report.errors = sorted([*loaded.errors, *dangling(loaded)], key=lambda e: (e.line, e.column or ""))
        if report.errors:
            return report
        write(uow.repo, loaded, ticker(progress, loaded.total))
        fields = [f"{kind}: {len(rows)}" for kind, rows in loaded.records.items() if rows]
        audit.record(uow.repo, actor.id, audit.RESTORED, "export", 0, target.clock(), fields)
        uow.commit()
        report.rows_written = loaded.total
    return report


LEGACY_FIELDS = {"team": {"digest_channel"}}
"""Fields of older exports still read (``_upgrade`` turns a team's digest channel into its
destination on the platform it was for)."""


def _upgrade(kind: RecordType, obj: dict[str, Any]) -> None:
    """Records written before destinations were per platform name one ``digest_channel``."""
    if kind.name == "team" and "digest_channel" in obj:
        channel = obj.pop("digest_channel")
        if channel and "digest_destinations" not in obj:
            obj["digest_destinations"] = {bulk.LEGACY_DIGEST_PLATFORM: channel}


def load(text: str) -> Loaded:
    """Parse and validate every line. Split on ``\\n`` only: exported text may hold U+2028."""
    loaded = Loaded()
    for line, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            loaded.total += 1
            _load_line(loaded, line, raw)
    if not loaded.total:
        loaded.errors.append(RowError(1, None, "transfer.empty_file"))
    return loaded


def _load_line(loaded: Loaded, line: int, raw: str) -> None:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError:
        obj = None
    if not isinstance(obj, dict):
        loaded.errors.append(RowError(line, None, "transfer.bad_json"))
        return
    name = obj.pop("type", None)
    kind = BY_NAME.get(name) if isinstance(name, str) else None
    if kind is None:
        loaded.errors.append(RowError(line, "type", "transfer.unknown_type", {"value": str(name)}))
        return
    unknown = sorted(set(obj) - set(kind.model.model_fields) - LEGACY_FIELDS.get(kind.name, set()))
    if unknown:
        fields = ", ".join(unknown)
        loaded.errors.append(
            RowError(line, unknown[0], "transfer.unknown_fields", {"fields": fields, "type": kind.name})
        )
        return
    _upgrade(kind, obj)
    try:
        entity = kind.model.model_validate(obj)
    except ValidationError as exc:
        loaded.errors.extend(
            row_errors(line, exc, {k: json.dumps(v, ensure_ascii=False) for k, v in obj.items()})
        )
        return
    naive = [k for k, v in entity.model_dump().items() if isinstance(v, datetime) and v.tzinfo is None]
    if naive:
        loaded.errors.append(RowError(line, naive[0], "transfer.naive_datetime", {"column": naive[0]}))
        return
    first = loaded.lines.setdefault((kind.name, record_id(entity)), line)
    if first != line:
        params: dict[str, Any] = {"type": kind.name, "value": record_id(entity), "first_line": first}
        loaded.errors.append(RowError(line, "id", "transfer.duplicate_id", params))
        return
    loaded.records[kind.name].append(entity)


def dangling(loaded: Loaded) -> list[RowError]:
    """References to ids the file does not hold: they would fail as foreign keys, less clearly."""
    ids = {name: {record_id(entity) for entity in entities} for name, entities in loaded.records.items()}
    errors: list[RowError] = []
    for kind in TYPES:
        for entity in loaded.records[kind.name]:
            for column, target in kind.refs.items():
                value = getattr(entity, column)
                if value is not None and value not in ids[target]:
                    line = loaded.lines[(kind.name, record_id(entity))]
                    params = {"column": column, "value": value, "target": target}
                    errors.append(RowError(line, column, "transfer.dangling_reference", params))
    return errors


def write(repo: SqlRepository, loaded: Loaded, tick: Callable[[int], None]) -> None:
    for kind in TYPES:
        entities = sorted(loaded.records[kind.name], key=record_id)
        bulk.insert_rows(repo, ROWS[kind.model], [_row(kind, e) for e in entities], tick)
    users = [u for u in loaded.records["user"] if isinstance(u, m.User)]
    bulk.update_rows(
        repo, t.UserRow, [{"id": u.id, "manager_id": u.manager_id} for u in users if u.manager_id]
    )
    identities = [
        {"user_id": u.id, "platform": platform, "external_id": external}
        for u in users for platform, external in sorted(u.identities.items())
    ]  # fmt: skip
    bulk.insert_rows(repo, t.UserIdentityRow, identities)
    destinations = [
        {"team_id": team.id, "platform": platform, "address": address}
        for team in loaded.records["team"] if isinstance(team, m.Team)
        for platform, address in sorted(team.digest_destinations.items())
    ]  # fmt: skip
    bulk.insert_rows(repo, t.TeamDestinationRow, destinations)
    aliases = [
        row for a in loaded.records["account"] if isinstance(a, m.Account)
        for row in bulk.alias_rows(a.id, bulk.folded(a.name), a.aliases)
    ]  # fmt: skip
    bulk.insert_rows(repo, t.AccountAliasRow, aliases)
    bulk.reset_sequences(repo, list(ROWS.values()))


def _row(kind: RecordType, entity: m.Entity) -> dict[str, Any]:
    """The table row of a record: users' managers come after all users, accounts get their search key."""
    fields = entity.model_dump()
    if isinstance(entity, m.User):
        del fields["identities"]
        fields["manager_id"] = None
    if isinstance(entity, m.Team):
        del fields["digest_destinations"]
    if isinstance(entity, m.Account):
        fields["search_key"] = bulk.folded(entity.name)
    return fields
