"""kam-bot's records as Salesforce sObject fields (Event, Task, Note or a custom object).

Standard fields only, plus optional custom fields used where the org has them
(``OPTIONAL``, checked with ``describe``). Field names from the Object Reference
(https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_event.htm,
``..._task.htm``, ``..._note.htm``).
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from kam_bot.domain.crm_records import PromiseRecord, Record, VisitRecord
from kam_bot.jobs import crm_text

VISIT_MINUTES = 60
SUBJECT_MAX = 255
OPTIONAL = {
    "goal": "Kam_Bot_Goal__c",
    "outcome": "Kam_Bot_Outcome__c",
    "next_step": "Kam_Bot_Next_Step__c",
    "needs": "Kam_Bot_Needs__c",
    "direction": "Kam_Bot_Direction__c",
}
"""Record attribute -> the custom field it fills where the object has it."""
TASK_STATUS = {"open": "Not Started", "done": "Completed", "cancelled": "Deferred"}


def _iso(value: Any) -> str:
    return str(value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000"))


def visit(record: VisitRecord, as_task: bool) -> dict[str, Any]:
    title, body = crm_text.visit_title(record), crm_text.visit_body(record)
    fields: dict[str, Any] = {"Subject": title[:SUBJECT_MAX], "Description": body}
    if as_task:
        fields |= {"ActivityDate": record.visited_at.date().isoformat(), "Status": "Completed"}
    else:
        start = record.visited_at
        fields |= {
            "StartDateTime": _iso(start),
            "EndDateTime": _iso(start + timedelta(minutes=VISIT_MINUTES)),
        }
    primary = next((c.crm_id for c in record.contacts if c.crm_id), None)
    if primary:
        fields["WhoId"] = primary
    if record.rep.crm_id:
        fields["OwnerId"] = record.rep.crm_id
    return fields


def promise(record: PromiseRecord) -> dict[str, Any]:
    text = crm_text.promise_subject(record)
    fields: dict[str, Any] = {
        "Subject": text[:SUBJECT_MAX],
        "Description": text,
        "ActivityDate": record.due_date.isoformat(),
        "Status": TASK_STATUS[record.status],
        "Priority": "Normal",
    }
    if record.owner.crm_id:
        fields["OwnerId"] = record.owner.crm_id
    if record.contact and record.contact.crm_id:
        fields["WhoId"] = record.contact.crm_id
    return fields


observation = crm_text.observation
"""(title, body) of the structured note."""


def optional(record: Record, present: set[str]) -> dict[str, Any]:
    """The custom fields the object has, filled from the record."""
    values: dict[str, Any] = {}
    for attribute, field in OPTIONAL.items():
        value = getattr(record, attribute, None)
        if field in present and value is not None:
            values[field] = value
    return values
