"""kam-bot's records as HubSpot engagement properties (meetings, tasks, notes).

Property names from HubSpot's engagement guides: meetings
(https://developers.hubspot.com/docs/api/crm/meetings: ``hs_timestamp``, ``hs_meeting_title``,
``hs_meeting_body``, ``hs_meeting_start_time`` / ``_end_time``, ``hs_meeting_outcome``,
``hubspot_owner_id``), tasks (https://developers.hubspot.com/docs/api/crm/tasks:
``hs_timestamp`` is the due date, ``hs_task_subject``, ``hs_task_body``, ``hs_task_status``
``NOT_STARTED`` / ``COMPLETED`` / ``DEFERRED``, ``hs_task_type``) and notes
(https://developers.hubspot.com/docs/api/crm/notes: ``hs_timestamp``, ``hs_note_body``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from kam_bot.domain.crm_records import (
    EntityKind,
    PromiseRecord,
    Record,
    VisitRecord,
)
from kam_bot.i18n import t
from kam_bot.jobs import crm_text

ObjectType = Literal["meetings", "tasks", "notes"]
VISIT_MINUTES = 60
TITLE_MAX = 255
TASK_STATUS = {"open": "NOT_STARTED", "done": "COMPLETED", "cancelled": "DEFERRED"}
DUE_AT = time(12, 0)
"""A due date becomes noon UTC of that day (``hs_timestamp``): shown on that date in every time
zone from UTC-11 to UTC+11, where midnight UTC would show the day before in the Americas."""
BODY: dict[ObjectType, str] = {
    "meetings": "hs_meeting_body",
    "tasks": "hs_task_body",
    "notes": "hs_note_body",
}
ASSOCIATION = {
    ("meetings", "companies"): 188,
    ("meetings", "contacts"): 200,
    ("tasks", "companies"): 192,
    ("tasks", "contacts"): 204,
    ("notes", "companies"): 190,
    ("notes", "contacts"): 202,
}
"""HubSpot-defined association type ids (engagement -> record)."""


def object_type(kind: EntityKind) -> ObjectType:
    if kind == "visit":
        return "meetings"
    if kind == "promise":
        return "tasks"
    return "notes"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def due(day: date) -> str:
    return iso(datetime.combine(day, DUE_AT, tzinfo=UTC))


def marker(record: Record) -> str:
    """kam-bot's key as written at the end of the body where the portal has no id property."""
    return f"[{record.key.external_id}]"


def of(record: Record) -> dict[str, str]:
    """The properties of ``record``'s engagement (without kam-bot's key)."""
    if isinstance(record, VisitRecord):
        return visit(record)
    if isinstance(record, PromiseRecord):
        return promise(record)
    return observation(record)


def visit(record: VisitRecord) -> dict[str, str]:
    start = record.visited_at
    values = {
        "hs_timestamp": iso(start),
        "hs_meeting_title": crm_text.visit_title(record)[:TITLE_MAX],
        "hs_meeting_body": crm_text.visit_body(record),
        "hs_meeting_start_time": iso(start),
        "hs_meeting_end_time": iso(start + timedelta(minutes=VISIT_MINUTES)),
        "hs_meeting_outcome": "COMPLETED",
    }
    if record.rep.crm_id:
        values["hubspot_owner_id"] = record.rep.crm_id
    return values


def promise(record: PromiseRecord) -> dict[str, str]:
    body = crm_text.lines(
        record,
        [
            ("hubspot.label.whose", t(f"hubspot.whose.{record.direction}", record.locale)),
            ("hubspot.label.contact", record.contact.name if record.contact else None),
        ],
    )
    values = {
        "hs_timestamp": due(record.due_date),
        "hs_task_subject": crm_text.promise_subject(record)[:TITLE_MAX],
        "hs_task_body": f"{record.text}\n{body}",
        "hs_task_status": TASK_STATUS[record.status],
        "hs_task_type": "TODO",
    }
    if record.owner.crm_id:
        values["hubspot_owner_id"] = record.owner.crm_id
    return values


def observation(record: crm_text.Observation) -> dict[str, str]:
    title, lines = crm_text.observation(record)
    values = {"hs_timestamp": iso(record.observed_at), "hs_note_body": f"{title}\n{lines}"}
    if record.recorded_by and record.recorded_by.crm_id:
        values["hubspot_owner_id"] = record.recorded_by.crm_id
    return values


def targets(record: Record, company: str) -> dict[str, list[str]]:
    """The records the engagement is associated with, by object type: its company, and the
    contacts met (or the customer's person behind a promise) whose HubSpot ids are known."""
    found: dict[str, list[str]] = {"companies": [company]}
    contacts: list[str] = []
    if isinstance(record, VisitRecord):
        contacts = [c.crm_id for c in record.contacts if c.crm_id]
    elif isinstance(record, PromiseRecord) and record.contact and record.contact.crm_id:
        contacts = [record.contact.crm_id]
    if contacts:
        found["contacts"] = contacts
    return found
