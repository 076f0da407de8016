"""A prefill shown back to the user: what was understood, what is missing, what was not placed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kam_bot.domain.drafts import PriceDraft, PromiseDraft, StockDraft, VisitDraft
from kam_bot.domain.enums import Locale
from kam_bot.handlers.calendar import day_off_note
from kam_bot.handlers.prefill import (
    Prefill,
    PricePrefill,
    Problem,
    PromisePrefill,
    StockPrefill,
    VisitPrefill,
)
from kam_bot.handlers.render import enum_label, error_reply
from kam_bot.handlers.replies import Line, Part, Reply, Section, user
from kam_bot.i18n import format_date, format_decimal, format_money, t

_QUERY_MESSAGES = {"account.not_found", "account.ambiguous", "access.read_only"}
"""Messages that end in what was typed (``No account matches “they”``), not ``you typed: …``."""


def problem_line(p: Problem, loc: Locale) -> Line:
    message = t(p.message, loc, **{k: v for k, v in p.params.items() if k != "query"})
    parts: list[Part] = ["⚠ ", message]
    if p.text and p.message in _QUERY_MESSAGES:
        parts += [" “", user(p.text), "”"]
    elif p.text and p.text not in message:  # the message quotes it already: say it once
        parts += [" ", t("prefill.you_typed", loc), " ", user(p.text)]
    return Line.of(*parts)


def describe(prefill: Prefill, loc: Locale, today: date) -> Reply:
    """What was understood (one line per part), the account refused, and what to fix."""

    def due(day: date | None) -> str:
        return _due(day, today, loc) + day_off_note(prefill.calendar, day, loc)

    lines: list[Line] = []
    if prefill.account is not None:
        lines.append(Line.of(t("prefill.account", loc), " ", user(prefill.account.name)))
    lines += _entry_lines(prefill, loc, due)
    sections = [Section(title=t("prefill.understood", loc), lines=lines)] if lines else []
    account_error = prefill.account_error
    if account_error is not None:
        sections += error_reply(account_error, loc).sections
    problems = [p for p in prefill.problems if p.field != "account" or account_error is None]
    if problems:
        sections.append(
            Section(title=t("prefill.to_fix", loc), lines=[problem_line(p, loc) for p in problems])
        )
    return Reply(sections=sections, ok=not prefill.problems)


Due = Callable[[date | None], str]


def _entry_lines(prefill: Prefill, loc: Locale, due: Due) -> list[Line]:
    if isinstance(prefill, VisitPrefill):
        return _visit_lines(prefill, loc, due)
    if isinstance(prefill, PromisePrefill) and prefill.promise:
        return [_promise(prefill.promise, loc, due)]
    if isinstance(prefill, PricePrefill) and prefill.price:
        return [_price(prefill.price, loc)]
    if isinstance(prefill, StockPrefill) and prefill.stock:
        return [_stock(prefill.stock, loc, movement=True)]
    return []


def _promise(p: PromiseDraft, loc: Locale, due: Due) -> Line:
    return Line.of(t(f"promise.direction.{p.direction.value}", loc), " ", user(p.text), due(p.due_date))


def _stock(s: StockDraft, loc: Locale, *, movement: bool) -> Line:
    qty = format_decimal(s.quantity, loc) if s.quantity is not None else "?"
    moving = f" {enum_label('movement', s.movement.value, loc)}" if movement and s.movement else ""
    return Line.of(t("prefill.stock", loc), " ", user(s.product), f" {qty} ", user(s.unit or ""), moving)


def _price(p: PriceDraft, loc: Locale) -> Line:
    price = format_money(p.price, None, loc) if p.price is not None else "?"
    who = f" ({p.competitor})" if p.competitor else ""
    return Line.of(
        t("prefill.price", loc),
        " ",
        user(p.product),
        f" {price} ",
        user(p.currency or ""),
        "/" if p.unit else "",
        user(p.unit or ""),
        who,
    )


def _due(day: date | None, today: date, loc: Locale) -> str:
    """`` — Fri 11 Dec 2026``; a day before ``today`` says it has passed, before anyone saves it."""
    if day is None:
        return " — ?"
    shown = f" — {format_date(day, loc)}"
    return shown + t("prefill.due_passed", loc) if day < today else shown


def _visit_lines(prefill: VisitPrefill, loc: Locale, due: Due) -> list[Line]:
    """The visit as understood, in the form's order: who and what, then each line item, then
    the rest; a part left empty is not shown."""
    d = prefill.draft
    items = [_promise(p, loc, due) for p in d.promises] + [_price(p, loc) for p in d.prices]
    items += [_stock(s, loc, movement=False) for s in d.stocks]
    notes = d.competitor_notes
    items += [
        Line.of(t("prefill.competitor", loc), " ", user(n.competitor), ": ", user(n.text)) for n in notes
    ]
    return [
        *_visit_head(prefill, loc),
        *(Line.of("• ", item) for item in items),
        *_visit_tail(d, loc),
    ]


def _visit_head(prefill: VisitPrefill, loc: Locale) -> list[Line]:
    d = prefill.draft
    lines: list[Line] = []
    if d.visit_date:
        lines.append(Line.of(t("prefill.date", loc, date=format_date(d.visit_date, loc))))
    met = [c.name for c in prefill.contacts if c.id in prefill.contact_ids]
    if met := met + [c.name for c in prefill.new_contacts]:
        lines.append(Line.of(t("prefill.met", loc), " ", user(", ".join(met))))
    if prefill.new_contacts:
        new = ", ".join(c.name for c in prefill.new_contacts)
        lines.append(Line.of(t("prefill.new_contacts", loc), " ", user(new)))
    if d.kind:
        lines.append(Line.of(t("prefill.kind", loc), " ", enum_label("visit_kind", d.kind.value, loc)))
    if d.objectives:
        objectives = ", ".join(enum_label("objective", o.value, loc) for o in d.objectives)
        lines.append(Line.of(t("prefill.objectives", loc), " ", objectives))
    if d.goal:
        reached = f" ({enum_label('goal_reached', d.goal_reached.value, loc)})" if d.goal_reached else ""
        lines.append(Line.of(t("visit.goal", loc), " ", user(d.goal), reached))
    return lines


def _visit_tail(d: VisitDraft, loc: Locale) -> list[Line]:
    texts = (("prefill.needs", d.needs), ("visit.next_step", d.next_step), ("visit.summary", d.summary))
    lines = [Line.of(t(label, loc), " ", user(value)) for label, value in texts if value]
    if d.next_visit_date:
        lines.append(Line.of(t("visit.next_visit", loc, date=format_date(d.next_visit_date, loc))))
    if d.stage_change:
        stage = enum_label(f"{d.stage_change.kind.value}_stage", d.stage_change.to_stage, loc)
        lines.append(Line.of(t("visit.stage_moved", loc, stage=stage)))
    if d.unplaced:
        lines.append(Line.of(t("prefill.unplaced", loc), " ", user(" · ".join(d.unplaced))))
    return lines
