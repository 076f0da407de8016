"""Typed line -> prefill: the parser's draft with the account resolved and every gap named.

A prefill is what the user confirms (a console prompt, a Slack modal); nothing is written
until they do. Problems that block saving say what to fix; text the parser could not place
stays in the summary.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from kam_bot.domain import rules
from kam_bot.domain.calendar import WorkingCalendar
from kam_bot.domain.contact_names import by_surname
from kam_bot.domain.drafts import PriceDraft, PromiseDraft, StockDraft, VisitDraft
from kam_bot.domain.enums import Locale
from kam_bot.domain.matching import fold
from kam_bot.domain.models import VISIT_DETAILS, Account, Contact, User
from kam_bot.domain.parsing import parse_date, parse_price, parse_promise, parse_stock, parse_visit
from kam_bot.handlers.forms.errors import error_key, error_path
from kam_bot.i18n import format_date
from kam_bot.services.accounts import local_today
from kam_bot.services.container import Services
from kam_bot.services.errors import ServiceError
from kam_bot.services.inputs import (
    NewContactInput,
    PriceInput,
    PromiseInput,
    StockInput,
    VisitInput,
)


@dataclass(frozen=True)
class Problem:
    """What to fix: ``field`` names the form input, ``message`` a catalog key."""

    field: str
    message: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    text: str | None = None
    """What the user typed there, shown back so nothing is lost."""
    blocking: bool = True
    """False for a warning: the part stays in the summary and the rest can be saved."""


@dataclass
class Prefill:
    text: str
    account: Account | None = None
    account_error: ServiceError | None = None
    problems: list[Problem] = dataclasses.field(default_factory=list)
    calendar: WorkingCalendar | None = None
    """The user's working days: a due date on a day off stays, and the confirmation says so."""

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if p.blocking]

    @property
    def ready(self) -> bool:
        return self.account is not None and not self.blocking


@dataclass
class VisitPrefill(Prefill):
    draft: VisitDraft = dataclasses.field(default_factory=VisitDraft)
    contacts: list[Contact] = dataclasses.field(default_factory=list)
    contact_ids: list[int] = dataclasses.field(default_factory=list)
    new_contacts: list[NewContactInput] = dataclasses.field(default_factory=list)
    contact_choices: dict[str, list[Contact]] = dataclasses.field(default_factory=dict)
    """Mentions (``李总``) several contacts fit, by problem field: the user picks one."""


@dataclass
class PromisePrefill(Prefill):
    promise: PromiseDraft | None = None


@dataclass
class PricePrefill(Prefill):
    price: PriceDraft | None = None


@dataclass
class StockPrefill(Prefill):
    stock: StockDraft | None = None


MAX_LINE = 10_000
"""The longest line read as a visit, promise, price or stock entry: refused up front beyond it
(``bench/`` holds the parse time of hostile lines this long under 200 ms)."""


def line_problem(text: str) -> Problem | None:
    """Why ``text`` is not read at all: too long. Checked before the parser sees it."""
    if len(text) <= MAX_LINE:
        return None
    return Problem("line", "line.too_long", {"length": f"{len(text):,}", "limit": f"{MAX_LINE:,}"})


def _resolve(app: Services, actor: User, query: str | None, prefill: Prefill) -> None:
    if not query or not query.strip():
        prefill.problems.append(Problem("account", "account.missing"))
        return
    try:
        account = app.accounts.resolve(query, actor)
    except ServiceError as exc:
        prefill.account_error = exc
        prefill.problems.append(Problem("account", exc.message, {"query": query}, query))
        return
    if not isinstance(prefill, VisitPrefill):  # a visit's account is attached (and checked) later
        attach_account(app, actor, prefill, account)
    else:
        prefill.account = account


def _refuse_account(prefill: Prefill, exc: ServiceError, account: Account) -> None:
    """``account`` may not be written (or seen) by the actor: asked again, nothing typed lost."""
    prefill.account, prefill.account_error = None, exc
    prefill.problems = [p for p in prefill.problems if p.field != "account"]
    prefill.problems.insert(0, Problem("account", exc.message, {"query": account.name}, account.name))


_BLOCKING_GROUPS = {"promises", "prices", "stocks", "promise", "price", "stock"}
_BLOCKING_NAMES = {"due_date", "price", "currency", "quantity", "product", "text", "competitor", "stock"}


def is_blocking(field_path: str) -> bool:
    """A promise, price or stock that cannot be saved as typed blocks saving; a stage or next-visit date
    that cannot be read is a warning: its text stays in the summary and the rest can be saved."""
    parts = field_path.split(".")
    return parts[0] in _BLOCKING_GROUPS or parts[-1] in _BLOCKING_NAMES


def _parser_problems(prefill: Prefill, problems: list[Any]) -> None:
    for p in problems:
        prefill.problems.append(Problem(p.field, p.message, dict(p.params), p.text, is_blocking(p.field)))


def today_for(app: Services, actor: User) -> date:
    return local_today(actor, app.clock())


def prefill_visit(app: Services, actor: User, text: str) -> VisitPrefill:
    if (refused := line_problem(text)) is not None:
        return VisitPrefill(text=text, problems=[refused])
    calendar = app.calendar.for_user(actor)
    today, known = today_for(app, actor), app.accounts.is_known_name
    draft = parse_visit(text, today=today, is_account=known, working=calendar.is_working_day)
    prefill = VisitPrefill(text=text, draft=draft, calendar=calendar)
    _resolve(app, actor, draft.account_query, prefill)
    _parser_problems(prefill, [p for p in draft.problems if p.field != "account"])
    for i, promise in enumerate(draft.promises):
        if promise.due_date is None and not any(
            p.field == f"promises.{i}.due_date" for p in prefill.problems
        ):
            prefill.problems.append(
                Problem(f"promises.{i}.due_date", "promise.needs_due_date", text=promise.text)
            )
    for i, price in enumerate(draft.prices):
        prefill.problems += _price_gaps(app, price, f"prices.{i}")
    for i, stock in enumerate(draft.stocks):
        if stock.quantity is None:
            prefill.problems.append(
                Problem(f"stocks.{i}.quantity", "stock.needs_quantity", text=stock.product)
            )
    if prefill.account is not None:
        attach_account(app, actor, prefill, prefill.account)
    check(app, actor, prefill)
    return prefill


def attach_account(app: Services, actor: User, prefill: Prefill, account: Account) -> None:
    """Use ``account`` (resolved later, e.g. picked from suggestions) and match contacts against it.
    Reading and writing it are both checked here, before the user is asked to confirm."""
    if (refusal := app.accounts.write_refusal(actor, account.id)) is not None:
        _refuse_account(prefill, refusal, account)
        return
    if not isinstance(prefill, VisitPrefill):
        prefill.account, prefill.account_error = account, None
        prefill.problems = [p for p in prefill.problems if p.field != "account"]
        return
    try:
        contacts = app.contacts.list(actor, account.id)
    except ServiceError as exc:
        _refuse_account(prefill, exc, account)
        return
    prefill.account, prefill.account_error = account, None
    prefill.problems = [p for p in prefill.problems if p.field != "account"]
    prefill.contacts = contacts
    prefill.contact_ids, prefill.new_contacts, prefill.contact_choices = [], [], {}
    prefill.problems = [p for p in prefill.problems if not p.field.startswith("contacts.")]
    for i, mention in enumerate(prefill.draft.contacts):
        fits = contact_candidates(mention.name, prefill.contacts)
        if len(fits) == 1:
            prefill.contact_ids.append(fits[0].id)
        elif fits:
            field_path = f"contacts.{i}.contact"
            prefill.contact_choices[field_path] = fits
            options = ", ".join(f"{n}) {c.name}" for n, c in enumerate(fits, 1))
            prefill.problems.append(Problem(field_path, "contact.which", {"options": options}, mention.name))
        else:
            prefill.new_contacts.append(NewContactInput(name=mention.name, title=mention.title))


def contact_candidates(name: str, contacts: list[Contact]) -> list[Contact]:
    """The contacts a mention may mean: same name; the only one whose name starts with it ("Zhang");
    or, for a surname with a title (``李总``, ``Mr Li``), everyone with that surname."""
    key = fold(name)
    if not key:
        return []
    exact = [c for c in contacts if fold(c.name) == key]
    if exact:
        return exact[:1]
    words = name.casefold().split()
    starts = [c for c in contacts if c.name.casefold().split()[: len(words)] == words]
    if len(starts) == 1:
        return starts
    return by_surname(name, contacts) or []


def match_contact(name: str, contacts: list[Contact]) -> Contact | None:
    """The one contact a mention means, or None (unknown, or several fit)."""
    fits = contact_candidates(name, contacts)
    return fits[0] if len(fits) == 1 else None


def _pick_contact(prefill: VisitPrefill, problem: Problem, value: str) -> Problem | None:
    """The user's answer to "which of them": a number, a name, or ``new`` for someone else."""
    choices = prefill.contact_choices.get(problem.field, [])
    answer = value.strip()
    picked: Contact | None = None
    if answer.isdigit() and 1 <= int(answer) <= len(choices):
        picked = choices[int(answer) - 1]
    elif answer.casefold() in {"new", "新", "新联系人"}:
        prefill.new_contacts.append(NewContactInput(name=problem.text or answer))
    else:
        picked = match_contact(answer, choices)
        if picked is None:
            return Problem(problem.field, problem.message, problem.params, problem.text)
    if picked is not None and picked.id not in prefill.contact_ids:
        prefill.contact_ids.append(picked.id)
    prefill.problems = [p for p in prefill.problems if p is not problem]
    return None


def apply_fix(app: Services, actor: User, prefill: Prefill, problem: Problem, value: str) -> Problem | None:
    """Fill the gap ``problem`` names with what the user typed; a new problem when it still does
    not fit (saying why), ``problem`` itself when no answer can fill it."""
    value = value.strip()
    if problem.field == "account":
        try:
            attach_account(app, actor, prefill, app.accounts.resolve(value, actor))
        except ServiceError as exc:
            prefill.account_error = exc
            return Problem("account", exc.message, {"query": value}, value)
        return None
    if isinstance(prefill, VisitPrefill) and problem.field in prefill.contact_choices:
        return _pick_contact(prefill, problem, value)
    target = _target(prefill, problem.field)
    name = problem.field.rsplit(".", 1)[-1]
    if target is None or not value or name not in type(target).model_fields:
        return problem
    fill = _FILLERS.get(name, _fill_as_typed)
    refused = fill(app, actor, target, name, value)
    if refused is not None:
        return Problem(problem.field, refused[0], refused[1], value)
    prefill.problems = [p for p in prefill.problems if p is not problem]
    return None


Refusal = tuple[str, dict[str, Any]]
"""Why an answer does not fit: a catalog key and its parameters."""


def _fill_due_date(app: Services, actor: User, target: Any, name: str, value: str) -> Refusal | None:
    day = parse_date(value, today_for(app, actor), working=app.calendar.for_user(actor).is_working_day)
    if day is None:
        return "parser.bad_date", {"text": value}
    target.due_date = day
    if hasattr(target, "due_text"):
        target.due_text = value
    return None


def _fill_number(app: Services, actor: User, target: Any, name: str, value: str) -> Refusal | None:
    number = _decimal(value.rstrip("%％"))
    if number is None:
        return "parser.bad_number", {"text": value}
    return _fill_as_typed(app, actor, target, name, number)


def _fill_currency(app: Services, actor: User, target: Any, name: str, value: str) -> Refusal | None:
    if not value.isalpha() or len(value) > 8:
        return "price.needs_currency", {}
    target.currency = value.upper()
    return None


def _fill_as_typed(app: Services, actor: User, target: Any, name: str, value: object) -> Refusal | None:
    """Set the field; a value its model refuses (a share over 100) is said, never raised."""
    try:
        setattr(target, name, value)
    except ValidationError as exc:
        [first, *_] = validation_problems(exc, actor.locale)
        return first.message, first.params
    return None


_FILLERS = {
    "due_date": _fill_due_date,
    "price": _fill_number,
    "quantity": _fill_number,
    "our_share_pct": _fill_number,
    "currency": _fill_currency,
}


def subject(prefill: Prefill, problem: Problem) -> str | None:
    """What a gap is about, to label the question: the promise's text for its due date, the
    product for its price; else what was typed there."""
    target = _target(prefill, problem.field)
    for name in ("text", "product"):
        value = getattr(target, name, None)
        if isinstance(value, str) and value:
            return value
    return problem.text


def resolved_date(prefill: Prefill, problem: Problem) -> date | None:
    """The due date a fixed ``due_date`` gap now holds (to show the user what their answer meant)."""
    value = getattr(_target(prefill, problem.field), "due_date", None)
    return value if isinstance(value, date) else None


def _target(prefill: Prefill, field_path: str) -> Any:
    """The draft object a problem's field path points into (a promise, price or stock draft)."""
    parts = field_path.split(".")
    if isinstance(prefill, VisitPrefill) and len(parts) >= 3 and parts[1].isdigit():
        items = getattr(prefill.draft, parts[0], None)
        index = int(parts[1])
        return items[index] if isinstance(items, list) and index < len(items) else None
    if isinstance(prefill, PromisePrefill):
        return prefill.promise
    if isinstance(prefill, PricePrefill):
        return prefill.price
    if isinstance(prefill, StockPrefill):
        return prefill.stock
    return None


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value.replace(",", "").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def _price_gaps(app: Services, price: PriceDraft, prefix: str) -> list[Problem]:
    problems = []
    if not price.product:
        problems.append(Problem(f"{prefix}.product", "price.needs_product"))
    if price.price is None:
        problems.append(Problem(f"{prefix}.price", "price.needs_price", text=price.product))
    if price.currency is None and price.product:
        listed = app.observations.listed_currency(price.product)
        if listed:
            price.currency = listed
        else:
            problems.append(Problem(f"{prefix}.currency", "price.needs_currency", text=price.product))
    return problems


def visit_time(app: Services, actor: User, day: date | None) -> datetime:
    """Now for a visit today; local noon for a visit on an earlier day."""
    now = app.clock()
    if day is None or day >= local_today(actor, now):
        return now
    return datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(actor.timezone))


def visit_input(
    app: Services, actor: User, prefill: VisitPrefill, submission_key: str | None = None
) -> VisitInput:
    """The confirmed prefill as a service input. One validation of plain data: every error at
    once, each path naming its part (``prices.1.price``)."""
    d = prefill.draft
    assert prefill.account is not None
    return VisitInput.model_validate(
        {
            **d.model_dump(include=set(VISIT_DETAILS), exclude_none=True),
            "account_id": prefill.account.id,
            "visited_at": visit_time(app, actor, d.visit_date),
            "contact_ids": prefill.contact_ids,
            "new_contacts": [c.model_dump() for c in prefill.new_contacts],
            "promises": [p.model_dump(include={"text", "direction", "due_date"}) for p in d.promises],
            "prices": [p.model_dump() for p in d.prices],
            "stocks": [s.model_dump() for s in d.stocks],
            "competitor_notes": [n.model_dump() for n in d.competitor_notes],
            "stage_change": d.stage_change.model_dump() if d.stage_change else None,
            "submission_key": submission_key,
        }
    )


def prefill_promise(app: Services, actor: User, text: str) -> PromisePrefill:
    if (refused := line_problem(text)) is not None:
        return PromisePrefill(text=text, problems=[refused])
    calendar = app.calendar.for_user(actor)
    today, known = today_for(app, actor), app.accounts.is_known_name
    entry = parse_promise(text, today=today, is_account=known, working=calendar.is_working_day)
    prefill = PromisePrefill(text=text, promise=entry.promise, calendar=calendar)
    _resolve(app, actor, entry.account_query, prefill)
    _parser_problems(prefill, [p for p in entry.problems if p.field != "account"])
    if entry.promise is None or not entry.promise.text:
        prefill.problems.append(Problem("text", "promise.needs_text"))
    elif entry.promise.due_date is None and not any(p.field.endswith("due_date") for p in prefill.problems):
        prefill.problems.append(Problem("due_date", "promise.needs_due_date", text=entry.promise.due_text))
    check(app, actor, prefill)
    return prefill


def prefill_price(app: Services, actor: User, text: str) -> PricePrefill:
    if (refused := line_problem(text)) is not None:
        return PricePrefill(text=text, problems=[refused])
    entry = parse_price(text, today=today_for(app, actor), is_account=app.accounts.is_known_name)
    prefill = PricePrefill(text=text, price=entry.price)
    _resolve(app, actor, entry.account_query, prefill)
    _parser_problems(prefill, [p for p in entry.problems if p.field != "account"])
    if entry.price is None:
        prefill.problems.append(Problem("product", "price.needs_product"))
    else:
        known = {p.field for p in prefill.problems}
        prefill.problems += [p for p in _price_gaps(app, entry.price, "price") if p.field not in known]
    check(app, actor, prefill)
    return prefill


def prefill_stock(app: Services, actor: User, text: str) -> StockPrefill:
    if (refused := line_problem(text)) is not None:
        return StockPrefill(text=text, problems=[refused])
    entry = parse_stock(text, today=today_for(app, actor), is_account=app.accounts.is_known_name)
    prefill = StockPrefill(text=text, stock=entry.stock)
    _resolve(app, actor, entry.account_query, prefill)
    _parser_problems(prefill, [p for p in entry.problems if p.field != "account"])
    if entry.stock is None:
        prefill.problems.append(Problem("product", "price.needs_product"))
    elif entry.stock.quantity is None and not prefill.blocking:
        prefill.problems.append(Problem("quantity", "stock.needs_quantity", text=entry.stock.product))
    check(app, actor, prefill)
    return prefill


SHOWN_BACK = 80
"""How much of a refused value a problem repeats (the whole line is printed back when not saved)."""


def validation_problems(exc: ValidationError, loc: Locale) -> list[Problem]:
    """An input's validation errors as problems on the named fields, in the user's words."""
    problems = []
    for err in exc.errors():
        key, params = error_key(err, loc)
        typed = err.get("input")
        text = str(typed) if isinstance(typed, str | int | float | Decimal | date) and str(typed) else None
        if text is not None and len(text) > SHOWN_BACK:
            text = text[: SHOWN_BACK - 1] + "…"
        problems.append(Problem(error_path(err), key, params, text))
    return problems


def _same_field(prefill: Prefill, path: str) -> str:
    """A field path as both the parser's gaps and the input's errors name it: a quick entry's
    gaps say ``price.currency`` where its input says ``currency``."""
    return path if isinstance(prefill, VisitPrefill) else path.rsplit(".", 1)[-1]


def check(app: Services, actor: User, prefill: Prefill) -> list[Problem]:
    """Add what saving would refuse as the prefill stands (lengths, digits, ranges, a promise due
    before the visit) to its problems, all at once, before the user confirms; returns the new
    ones. Fields already flagged are skipped."""
    if prefill.account is None:
        return []
    new = _input_problems(app, actor, prefill)
    if isinstance(prefill, VisitPrefill):
        new += _due_before_visit(app, actor, prefill)
    return new


def _input_problems(app: Services, actor: User, prefill: Prefill) -> list[Problem]:
    """What the service input refuses, every field at once (pydantic reports them all)."""
    try:
        if isinstance(prefill, VisitPrefill):
            visit_input(app, actor, prefill)
        elif isinstance(prefill, PromisePrefill) and prefill.promise is not None:
            p = prefill.promise
            PromiseInput(text=p.text, direction=p.direction, due_date=p.due_date)
            return _due_out_of_range(app, actor, prefill, [("due_date", p.due_date, p.due_text)])
        elif isinstance(prefill, PricePrefill) and prefill.price is not None:
            PriceInput.model_validate(prefill.price.model_dump())
        elif isinstance(prefill, StockPrefill) and prefill.stock is not None:
            StockInput.model_validate(prefill.stock.model_dump())
    except ValidationError as exc:
        known = {_same_field(prefill, p.field) for p in prefill.problems}
        new = [
            dataclasses.replace(p, blocking=True)
            for p in validation_problems(exc, actor.locale)
            if _same_field(prefill, p.field) not in known
        ]
        prefill.problems += new
        return new
    return []


def _due_out_of_range(
    app: Services, actor: User, prefill: Prefill, dues: list[tuple[str, date | None, str | None]]
) -> list[Problem]:
    """A due date far off (``by 0001-01-01``, ``by 9999-12-31``: a typo) is asked about before
    the user confirms, never saved at once; ``dues`` are (field, date, as typed)."""
    today = today_for(app, actor)
    known = {p.field for p in prefill.problems}
    new = [
        Problem(field, "promise.due_out_of_range", {}, typed)
        for field, due, typed in dues
        if due is not None and field not in known and not rules.date_in_range(due, today)
    ]
    prefill.problems += new
    return new


def _due_before_visit(app: Services, actor: User, prefill: VisitPrefill) -> list[Problem]:
    """A promise of this visit due before the visit (``PO by 12/5`` typed on 6 Dec) is asked
    about before the user confirms, not refused after Save."""
    far = [(f"promises.{i}.due_date", p.due_date, p.due_text) for i, p in enumerate(prefill.draft.promises)]
    out_of_range = _due_out_of_range(app, actor, prefill, far)
    visit_day = prefill.draft.visit_date or today_for(app, actor)
    known = {p.field for p in prefill.problems}
    new = [
        Problem(
            f"promises.{i}.due_date",
            "prefill.due_before_visit",
            {"date": format_date(p.due_date, actor.locale), "visit": format_date(visit_day, actor.locale)},
            p.due_text,
        )
        for i, p in enumerate(prefill.draft.promises)
        if p.due_date is not None and p.due_date < visit_day and f"promises.{i}.due_date" not in known
    ]
    prefill.problems += new
    return out_of_range + new
