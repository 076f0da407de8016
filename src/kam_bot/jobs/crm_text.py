"""What kam-bot writes into a CRM's text fields, the same in every CRM and in the rep's language:
a visit's title and labelled lines, a promise's subject, an observation's title and lines.

Each CRM puts these in its own fields (Salesforce ``Subject``/``Description``, HubSpot
``hs_meeting_title``/``hs_meeting_body``, …); only the field names differ.
"""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

from kam_bot.domain.crm_records import (
    CompetitorRecord,
    PriceRecord,
    PromiseRecord,
    Record,
    StockRecord,
    VisitRecord,
)
from kam_bot.i18n import t

Observation = PriceRecord | StockRecord | CompetitorRecord


def lines(record: Record, pairs: list[tuple[str, object]]) -> str:
    """``Label: value`` lines, labels being catalog keys; empty values left out."""
    return "\n".join(
        f"{t(key, record.locale)}: {value}" for key, value in pairs if value not in (None, "", ())
    )


def number(value: Decimal) -> str:
    """4300.0000 as 4300, 4.20 as 4.2."""
    return f"{value.normalize():f}"


def visit_title(record: VisitRecord) -> str:
    goal = (record.goal or "").strip()
    key = "crm.text.visit_title_goal" if goal else "crm.text.visit_title"
    return t(key, record.locale, account=record.account.name, goal=goal)


def visit_body(record: VisitRecord) -> str:
    return lines(
        record,
        [
            ("crm.label.kind", record.kind),
            ("crm.label.contacts", ", ".join(c.name for c in record.contacts)),
            ("crm.label.goal", record.goal),
            ("crm.label.goal_reached", record.goal_reached),
            ("crm.label.outcome", record.outcome),
            ("crm.label.next_step", record.next_step),
            ("crm.label.needs", record.needs),
            ("crm.label.competitors", record.competitor_intel),
            ("crm.label.next_visit", record.next_visit_date),
        ],
    )


def promise_subject(record: PromiseRecord) -> str:
    """Our promise as written; the customer's marked as theirs."""
    if record.direction == "ours":
        return record.text
    return t("crm.text.theirs_prefix", record.locale, text=record.text)


def observation(record: Observation) -> tuple[str, str]:
    """(title, body) of a price, stock or competitor observation's note."""
    by = record.recorded_by.name if record.recorded_by else None
    when = record.observed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    extra: list[tuple[str, object]]
    if isinstance(record, PriceRecord):
        unit = f"/{record.unit}" if record.unit else ""
        price = number(record.price)
        title = t(
            "crm.text.price_title",
            record.locale,
            product=record.product,
            price=price,
            currency=record.currency,
            unit=unit,
        )
        extra = [
            ("crm.label.price_kind", record.kind),
            ("crm.label.competitors", record.competitor),
            ("crm.label.note", record.note),
        ]
    elif isinstance(record, StockRecord):
        unit = f" {record.unit}" if record.unit else ""
        quantity = number(record.quantity)
        title = t("crm.text.stock_title", record.locale, product=record.product, quantity=quantity, unit=unit)
        share = f"{record.our_share_pct}%" if record.our_share_pct is not None else None
        extra = [("crm.label.share", share), ("crm.label.movement", record.movement)]
    else:
        title = t(
            "crm.text.competitor_title", record.locale, competitor=record.competitor, activity=record.activity
        )
        extra = [("crm.label.note", record.text)]
    return title, lines(record, [*extra, ("crm.label.observed_at", when), ("crm.label.recorded_by", by)])
