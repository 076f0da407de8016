"""What a submitted visit form must satisfy before it is saved: a table of rules.

Every rule runs on every submission, so one answer shows everything to fix (a bad price line,
a bad stock line and a due date before the visit come back together, never one per Submit).
Each rule yields ``(field id, message)``; when two rules speak about one field, the first in
``RULES`` wins. Nothing typed is cleared: the form comes back as submitted with the messages.

=========================  ====================================================================
rule                       refused when
=========================  ====================================================================
offered values             a choice the form never offered, a date that is not one (forged)
account picked             no account is chosen
account writable           the actor may read the account but not write to it
promise complete           a promise has text but no due date, or a due date but no text
dates                      the service's date rules (``services.visits.visit_date_errors``): the
                           visit in the future, the next visit not after it or already past, a
                           promise due before the visit
contact named              a new contact has a title or role but no name
note format                a competitor note is not ``Competitor: what they do``
price lines                a line of prices does not read as ``/price`` does, has no currency
                           (typed, or the price list's for that product), or breaks a price's
                           limits (``PriceInput``): each bad line by its number
stock lines                the same for the stock lines (``/stock``, ``StockInput``)
service input              anything else the service input refuses (``VisitInput``: lengths,
                           counts), on the field its path names (``paths.field_for``)
=========================  ====================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kam_bot.domain.drafts import ParseProblem, PriceDraft, StockDraft
from kam_bot.domain.enums import Locale
from kam_bot.handlers.describe import problem_line
from kam_bot.handlers.forms.errors import error_message, error_path
from kam_bot.handlers.forms.lines import ParsedLines, read_prices, read_stocks
from kam_bot.handlers.forms.model import ERROR_LIMIT, FieldErrors
from kam_bot.handlers.forms.visit.form import VisitForm
from kam_bot.handlers.forms.visit.paths import field_for
from kam_bot.handlers.prefill import Problem
from kam_bot.i18n import t
from kam_bot.services.inputs import PriceInput, StockInput, VisitInput
from kam_bot.services.visits import visit_date_errors

ListedCurrency = Callable[[str], str | None]
"""Product -> the price list's currency, which fills a price typed without one."""
Finding = tuple[str, str]
"""(field id, message in the user's language)."""
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Lines:
    """The lines of one kind (prices or stocks) checked: what passed, what to fix."""

    valid: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What the rules need besides the form, gathered once by ``check.check_visit``."""

    loc: Locale
    today: date
    visited_at: datetime
    submission_key: str | None
    labels: Callable[[str], str]
    """Field id -> its label (for a forged value's message)."""
    account_refusal: str | None
    """Why the actor may not write the chosen account, or None."""
    prices: Lines
    stocks: Lines


@dataclass(frozen=True)
class Rule:
    name: str
    check: Callable[[VisitForm, Context], Iterable[Finding]]


def _offered_values(form: VisitForm, ctx: Context) -> Iterable[Finding]:
    return [(f, t(key, ctx.loc, field=ctx.labels(f))) for f, key in form.forged.items()]


def _account_picked(form: VisitForm, ctx: Context) -> Iterable[Finding]:
    return [("account", t("form.visit.pick_account", ctx.loc))] if form.account is None else []


def _account_writable(form: VisitForm, ctx: Context) -> Iterable[Finding]:
    return [("account", ctx.account_refusal)] if ctx.account_refusal else []


def _promise_complete(form: VisitForm, ctx: Context) -> Iterable[Finding]:
    for i, slot in enumerate(form.promises):
        if slot.text and slot.due is None:
            yield f"promise_due:{i}", t("promise.needs_due_date", ctx.loc)
        elif slot.due is not None and not slot.text:
            yield f"promise_text:{i}", t("promise.needs_text", ctx.loc)


def _dates(form: VisitForm, ctx: Context) -> Iterable[Finding]:
    dues = [form.promises[i].due for i in form.promise_slots()]
    found = visit_date_errors(
        form.visit_date or ctx.today, ctx.today, form.next_visit_date, [d for d in dues if d]
    )
    return [(field_for(form, e.field or ""), t(e.message, ctx.loc)) for e in found]


def _contact_named(form: VisitForm, ctx: Context) -> Iterable[Finding]:
    message = t("form.visit.contact_needs_name", ctx.loc)
    return [
        (f"new_contact_name:{i}", message)
        for i, c in enumerate(form.new_contacts)
        if not c.name and (c.title or c.role)
    ]


def _note_format(form: VisitForm, ctx: Context) -> Iterable[Finding]:
    message = t("form.visit.note_format", ctx.loc)
    return [(n.block(i), message) for i, n in enumerate(form.notes) if bool(n.competitor) != bool(n.text)]


def _price_lines(form: VisitForm, ctx: Context) -> Iterable[Finding]:
    return [("prices", _join(ctx.prices.errors))] if ctx.prices.errors else []


def _stock_lines(form: VisitForm, ctx: Context) -> Iterable[Finding]:
    return [("stocks", _join(ctx.stocks.errors))] if ctx.stocks.errors else []


def _service_input(form: VisitForm, ctx: Context) -> Iterable[Finding]:
    try:
        VisitInput.model_validate(input_data(form, ctx))
    except ValidationError as exc:
        return [
            (field_for(form, error_path(e)), error_message(e, ctx.loc)[:ERROR_LIMIT]) for e in exc.errors()
        ]
    return []


RULES = (
    Rule("offered values", _offered_values),
    Rule("account picked", _account_picked),
    Rule("account writable", _account_writable),
    Rule("promise complete", _promise_complete),
    Rule("dates", _dates),
    Rule("contact named", _contact_named),
    Rule("note format", _note_format),
    Rule("price lines", _price_lines),
    Rule("stock lines", _stock_lines),
    Rule("service input", _service_input),
)


def errors_of(form: VisitForm, ctx: Context) -> FieldErrors:
    """Every rule's findings, the first per field."""
    errors: FieldErrors = {}
    for rule in RULES:
        for field_id, message in rule.check(form, ctx):
            errors.setdefault(field_id, message)
    return errors


def to_input(form: VisitForm, ctx: Context) -> tuple[VisitInput | None, FieldErrors]:
    """The service input when every rule passes, else every field to fix."""
    errors = errors_of(form, ctx)
    return (None, errors) if errors else (VisitInput.model_validate(input_data(form, ctx)), {})


def input_data(form: VisitForm, ctx: Context) -> dict[str, Any]:
    """The service input as plain data, from the filled slots and the lines that passed (one
    validation of plain data, so every error's path names its slot: ``new_contacts.1.title``)."""
    stage = None
    if form.stage and ":" in form.stage:
        kind, to_stage = form.stage.split(":", 1)
        stage = {"kind": kind, "to_stage": to_stage}
    return {
        "account_id": form.account[0] if form.account else None,
        "visited_at": ctx.visited_at,
        **form.details(),
        "contact_ids": form.contact_ids,
        "new_contacts": [
            {"name": c.name, "title": c.title or None, "role": c.role} for c in form.new_contacts if c.name
        ],
        "promises": [
            {"text": s.text, "direction": s.direction, "due_date": s.due}
            for s in (form.promises[i] for i in form.promise_slots())
        ],
        "prices": ctx.prices.valid,
        "stocks": ctx.stocks.valid,
        "competitor_notes": [
            {"competitor": n.competitor, "activity": n.activity, "text": n.text}
            for n in form.notes
            if n.competitor
        ],
        "stage_change": stage,
        "submission_key": ctx.submission_key,
    }


# -- the price and stock lines ------------------------------------------------------------


def price_lines(text: str, today: date, listed_currency: ListedCurrency, loc: Locale) -> Lines:
    """Each price line read as ``/price`` reads it, its currency filled from the price list, and
    checked against a price's limits."""
    parsed = read_prices(text, today)
    for price in parsed.items:
        if price.currency is None:
            price.currency = listed_currency(price.product)
    return _checked(parsed, PriceInput, loc, _needs_currency)


def stock_lines(text: str, today: date, loc: Locale) -> Lines:
    """Each stock line read as ``/stock`` reads it, checked against a stock's limits."""
    return _checked(read_stocks(text, today), StockInput, loc, _needs_quantity)


def _needs_currency(draft: PriceDraft, loc: Locale) -> str | None:
    return t("price.needs_currency", loc) if draft.currency is None else None


def _needs_quantity(draft: StockDraft, loc: Locale) -> str | None:
    return t("stock.needs_quantity", loc) if draft.quantity is None else None


def _checked(
    parsed: ParsedLines[PriceDraft] | ParsedLines[StockDraft],
    model: type[PriceInput] | type[StockInput],
    loc: Locale,
    first: Callable[[Any, Locale], str | None],
) -> Lines:
    found = [(n, _problem_text(p, loc)) for n, p in parsed.problems]
    valid = []
    for n, draft in zip(parsed.numbers, parsed.items, strict=True):
        if (message := first(draft, loc)) is not None:
            found.append((n, message))
            continue
        try:
            valid.append(model.model_validate(draft.model_dump()).model_dump())
        except ValidationError as exc:
            found.append((n, error_message(exc.errors()[0], loc)))
    errors = [t("form.visit.line_problem", loc, n=n, message=m) for n, m in sorted(found, key=lambda f: f[0])]
    return Lines(valid, errors)


def _problem_text(p: ParseProblem, loc: Locale) -> str:
    return problem_line(Problem(p.field, p.message, dict(p.params), None), loc).plain.lstrip("⚠ ")


def _join(errors: list[str]) -> str:
    text = " ".join(errors)
    return text if len(text) <= ERROR_LIMIT else text[: ERROR_LIMIT - 1] + "…"
