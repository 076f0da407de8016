"""kam-bot's records as Salesforce sObject fields (Event, Task, Note or a custom object).

Standard fields only, plus optional custom fields used where the org has them
(``OPTIONAL``, checked with ``describe``). Field names from the Object Reference
(https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_event.htm,
``..._task.htm``, ``..._note.htm``).
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from kam_bot.domain.crm_records import (
    CompetitorRecord,
    PriceRecord,
    PromiseRecord,
    Record,
    StockRecord,
    VisitRecord,
)
from kam_bot.i18n import t

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


def _lines(record: Record, pairs: list[tuple[str, object]]) -> str:
    return "\n".join(
        f"{t(key, record.locale)}: {value}" for key, value in pairs if value not in (None, "", ())
    )


def visit(record: VisitRecord, as_task: bool) -> dict[str, Any]:
    goal = (record.goal or "").strip()
    subject_key = "salesforce.visit_subject_goal" if goal else "salesforce.visit_subject"
    subject = t(subject_key, record.locale, account=record.account.name, goal=goal)
    description = _lines(
        record,
        [
            ("salesforce.label.kind", record.kind),
            ("salesforce.label.contacts", ", ".join(c.name for c in record.contacts)),
            ("salesforce.label.goal", record.goal),
            ("salesforce.label.goal_reached", record.goal_reached),
            ("salesforce.label.outcome", record.outcome),
            ("salesforce.label.next_step", record.next_step),
            ("salesforce.label.needs", record.needs),
            ("salesforce.label.competitors", record.competitor_intel),
            ("salesforce.label.next_visit", record.next_visit_date),
        ],
    )
    fields: dict[str, Any] = {"Subject": subject[:SUBJECT_MAX], "Description": description}
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
    text = (
        record.text
        if record.direction == "ours"
        else t("salesforce.theirs_prefix", record.locale, text=record.text)
    )
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


def observation(record: PriceRecord | StockRecord | CompetitorRecord) -> tuple[str, str]:
    """(title, body) of the structured note."""
    by = record.recorded_by.name if record.recorded_by else None
    when = record.observed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(record, PriceRecord):
        unit = f"/{record.unit}" if record.unit else ""
        title = t(
            "salesforce.price_title",
            record.locale,
            product=record.product,
            price=record.price,
            currency=record.currency,
            unit=unit,
        )
        extra: list[tuple[str, object]] = [
            ("salesforce.label.price_kind", record.kind),
            ("salesforce.label.competitors", record.competitor),
            ("salesforce.label.note", record.note),
        ]
    elif isinstance(record, StockRecord):
        unit = f" {record.unit}" if record.unit else ""
        title = t(
            "salesforce.stock_title",
            record.locale,
            product=record.product,
            quantity=record.quantity,
            unit=unit,
        )
        share = f"{record.our_share_pct}%" if record.our_share_pct is not None else None
        extra = [("salesforce.label.share", share), ("salesforce.label.movement", record.movement)]
    else:
        title = t(
            "salesforce.competitor_title",
            record.locale,
            competitor=record.competitor,
            activity=record.activity,
        )
        extra = [("salesforce.label.note", record.text)]
    body = _lines(
        record, [*extra, ("salesforce.label.observed_at", when), ("salesforce.label.recorded_by", by)]
    )
    return title, body


def optional(record: Record, present: set[str]) -> dict[str, Any]:
    """The custom fields the object has, filled from the record."""
    values: dict[str, Any] = {}
    for attribute, field in OPTIONAL.items():
        value = getattr(record, attribute, None)
        if field in present and value is not None:
            values[field] = value
    return values
