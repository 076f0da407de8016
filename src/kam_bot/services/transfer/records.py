"""The export format: one JSON object per record, ``type`` first, then the domain model's fields.

Values are written so that the same database always gives the same bytes and a restore
reads back exactly what was written: decimals as strings at the column's scale ("4.2000"),
datetimes as ISO 8601 with their UTC offset, dates and times as ISO, enums as their values,
identities with sorted keys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from kam_bot.domain import models as m


@dataclass(frozen=True)
class RecordType:
    name: str
    model: type[m.Entity]
    refs: dict[str, str] = field(default_factory=dict)
    """Field -> the record type whose id it holds (checked on restore)."""


_OBSERVATION_REFS = {"account_id": "account", "visit_id": "visit", "recorded_by": "user"}

TYPES: tuple[RecordType, ...] = (
    RecordType("team", m.Team),
    RecordType("user", m.User, {"manager_id": "user", "team_id": "team"}),
    RecordType("account", m.Account, {"owner_id": "user", "team_id": "team"}),
    RecordType("contact", m.Contact, {"account_id": "account"}),
    RecordType("visit", m.Visit, {"account_id": "account", "rep_id": "user"}),
    RecordType(
        "stage_change", m.StageChange, {"account_id": "account", "visit_id": "visit", "changed_by": "user"}
    ),
    RecordType(
        "promise",
        m.Promise,
        {"account_id": "account", "visit_id": "visit", "owner_id": "user", "contact_id": "contact"},
    ),
    RecordType("promise_event", m.PromiseEvent, {"promise_id": "promise", "actor_id": "user"}),
    RecordType("price_observation", m.PriceObservation, _OBSERVATION_REFS),
    RecordType("inventory_observation", m.InventoryObservation, _OBSERVATION_REFS),
    RecordType("competitor_note", m.CompetitorNote, _OBSERVATION_REFS),
    RecordType("price_list_entry", m.PriceListEntry),
    RecordType("exchange_rate", m.ExchangeRate),
    RecordType("audit_entry", m.AuditEntry, {"actor_id": "user"}),
    RecordType("calendar_day", m.CalendarDay, {"team_id": "team"}),
)
"""Every exported type, in dependency order: a record only refers to types listed before it."""

BY_NAME = {kind.name: kind for kind in TYPES}


def record_id(entity: m.Entity) -> int:
    """Every exported model has an integer ``id``; the base class does not declare it."""
    return cast(int, entity.__dict__["id"])


def encode(kind: RecordType, entity: m.Entity) -> dict[str, Any]:
    """The JSON-ready object for one record."""
    return {"type": kind.name, **{key: _value(value) for key, value in entity.model_dump().items()}}


def _value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in an export")
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in sorted(value.items())}
    return value


def to_line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"
