"""``kam-bot export``: everything in the database, for a backup, a move or an audit.

JSONL is the lossless form ``restore_jsonl`` reads back. CSV is for people: a directory
with one file per record type, the same columns and values, lists and identities as JSON
in their cell, written with a byte-order mark so that spreadsheet programs open Chinese
text as UTF-8. Personal notes are included: only admins (or the operator) may export.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Literal

from kam_bot.domain.models import User
from kam_bot.services import access
from kam_bot.services.transfer.common import Source, target_of
from kam_bot.services.transfer.records import TYPES, RecordType, encode, to_line
from kam_bot.store import bulk
from kam_bot.store.repository import SqlRepository

Counts = dict[str, int]


def export_all(
    source: Source,
    out: str | os.PathLike[str] | IO[str],
    *,
    fmt: Literal["jsonl", "csv"] = "jsonl",
    actor: User,
) -> Counts:
    """Write every record; returns how many of each type.

    ``jsonl``: ``out`` is a file path or an open text stream. ``csv``: ``out`` is a directory
    (created if missing) that receives ``<type>.csv`` for every type, empty ones included.
    Records come in dependency order, each type by id, all read from one snapshot.
    """
    access.require_admin(actor)
    with target_of(source).uow() as uow:
        bulk.read_snapshot(uow.repo)
        if fmt == "csv":
            if not isinstance(out, (str, os.PathLike)):
                raise TypeError("a CSV export writes a directory: pass its path")
            return _write_csv(uow.repo, Path(out))
        if isinstance(out, (str, os.PathLike)):
            with open(out, "w", encoding="utf-8", newline="") as stream:
                return _write_jsonl(uow.repo, stream)
        return _write_jsonl(uow.repo, out)


def _records(repo: SqlRepository, kind: RecordType) -> Iterator[dict[str, Any]]:
    return (encode(kind, entity) for entity in bulk.iter_entities(repo, kind.model))


def _write_jsonl(repo: SqlRepository, stream: IO[str]) -> Counts:
    counts: Counts = {}
    for kind in TYPES:
        counts[kind.name] = _count(_records(repo, kind), lambda obj: stream.write(to_line(obj)))
    return counts


def _write_csv(repo: SqlRepository, directory: Path) -> Counts:
    directory.mkdir(parents=True, exist_ok=True)
    counts: Counts = {}
    for kind in TYPES:
        with open(directory / f"{kind.name}.csv", "w", encoding="utf-8-sig", newline="") as stream:
            counts[kind.name] = _write_csv_file(stream, kind, _records(repo, kind))
    return counts


def _write_csv_file(stream: IO[str], kind: RecordType, records: Iterator[dict[str, Any]]) -> int:
    writer = csv.writer(stream)  # RFC 4180 rows (CRLF), so a cell holding a lone CR is quoted
    writer.writerow(kind.model.model_fields)
    return _count(records, lambda obj: writer.writerow(_cell(v) for k, v in obj.items() if k != "type"))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (CSV injection)."""
_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it, never runs it: a leading ``'`` before a formula-like
    start (``=HYPERLINK(…)``, ``@SUM``, ``+1``, a tab or carriage return); plain numbers stay numbers."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _count(records: Iterator[dict[str, Any]], write: Callable[[dict[str, Any]], object]) -> int:
    count = 0
    for obj in records:
        write(obj)
        count += 1
    return count
