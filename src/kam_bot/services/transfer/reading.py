"""Reading an uploaded file: bytes to text, and CSV text to rows that know their line.

Files are read whole: a 20,000-row CSV is a few megabytes, and knowing every row before
writing any is what lets an import be all or nothing.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kam_bot.services.transfer.common import RowError

Input = str | os.PathLike[str] | IO[bytes] | IO[str]
"""A path, or an open stream (binary or text)."""


class UnreadableFileError(Exception):
    """The input is not UTF-8; carries the row error naming the first bad line."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


def read_text(source: Input) -> str:
    """The whole input as text; UTF-8 with or without a byte-order mark."""
    data = Path(source).read_bytes() if isinstance(source, (str, os.PathLike)) else source.read()
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UnreadableFileError(RowError(line, None, "transfer.not_utf8", {"line": line})) from None


@dataclass(frozen=True)
class CsvRow:
    line: int
    """File line the record starts on (a quoted cell may span lines)."""
    cells: dict[str, str]
    """Known column -> raw cell text, for the columns the header has."""


@dataclass
class CsvTable:
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    records: int = 0
    """Data records read, those with errors included (blank lines are not records)."""


def column_name(header_cell: str) -> str:
    """``" Display Name "`` -> ``display_name``: spreadsheets' headers as the importer's names."""
    return re.sub(r"[\s\-]+", "_", header_cell.strip().lower())


def read_table(source: Input, columns: Sequence[str], required: Sequence[str]) -> CsvTable:
    """Rows of a CSV whose header names only ``columns`` and at least ``required``.

    Problems with the file as a whole (not UTF-8, empty, unknown or missing columns) come
    back as errors on line 1 (or the undecodable line) with no rows.
    """
    try:
        text = read_text(source)
    except UnreadableFileError as exc:
        return CsvTable(errors=[exc.error])
    reader = csv.reader(io.StringIO(text, newline=""))
    table = CsvTable()
    try:
        header = [column_name(cell) for cell in next(reader, [])]
        while header and not header[-1]:
            header.pop()  # trailing empty columns a spreadsheet adds
        if not header:
            return CsvTable(errors=[RowError(1, None, "transfer.empty_file")])
        table.errors = _header_errors(header, columns, required)
        if table.errors:
            return table
        last_line = reader.line_num
        for record in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            table.records += 1
            if any(cell.strip() for cell in record[len(header) :]):
                table.errors.append(RowError(line, None, "transfer.too_many_cells", {"count": len(header)}))
                continue
            table.rows.append(CsvRow(line, dict(zip(header, record, strict=False))))
    except csv.Error as exc:
        table.errors.append(RowError(reader.line_num, None, "transfer.bad_csv", {"detail": str(exc)}))
    if not table.rows and not table.errors:
        table.errors.append(RowError(1, None, "transfer.no_rows"))
    return table


def _header_errors(header: list[str], columns: Sequence[str], required: Sequence[str]) -> list[RowError]:
    expected = ", ".join(columns)
    errors: list[RowError] = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            errors.append(RowError(1, name, "transfer.duplicate_column", {"column": name}))
        elif name not in columns:
            key = "transfer.unnamed_column" if not name else "transfer.unknown_column"
            errors.append(RowError(1, name or None, key, {"column": name, "expected": expected}))
        seen.add(name)
    errors.extend(
        RowError(1, name, "transfer.missing_column", {"column": name, "expected": expected})
        for name in required
        if name not in seen
    )
    return errors
