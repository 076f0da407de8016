"""Feishu ids for a ``users.csv`` before anyone writes to the bot: each row's email (or its
``mobile`` column, when the file has one) looked up with the contact API
(``contact/v3/users/batch_get_id``, at most 50 of each per call) and its ``open_id`` written to
the ``feishu_id`` column, so the import links people and reminders reach them from the first
morning. A row that already has a ``feishu_id`` is kept; one Feishu does not know (outside the
app's availability scope) is listed and left empty."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import NAME
from .api import Api

BATCH = 50
COLUMN = f"{NAME}_id"

Row = dict[str, str]


@dataclass
class Filled:
    rows: list[Row]
    found: int = 0
    unknown: list[str] = field(default_factory=list)
    """The emails (or mobiles) Feishu did not know."""


def _lookup_key(row: Row) -> tuple[str, str]:
    email = (row.get("email") or "").strip().lower()
    mobile = (row.get("mobile") or "").strip()
    return email, mobile


def fill_ids(rows: list[Row], api: Api) -> Filled:
    out = Filled(rows=[{**row, COLUMN: (row.get(COLUMN) or "").strip()} for row in rows])
    todo = [r for r in out.rows if not r[COLUMN] and any(_lookup_key(r))]
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        emails = [e for e, _ in map(_lookup_key, chunk) if e]
        mobiles = [m for e, m in map(_lookup_key, chunk) if m and not e]
        found = api.open_ids(emails, mobiles)
        for row in chunk:
            email, mobile = _lookup_key(row)
            open_id = found.get(email) if email else found.get(mobile)
            if open_id:
                row[COLUMN] = open_id
                out.found += 1
            else:
                out.unknown.append(email or mobile)
    return out
