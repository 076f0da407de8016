"""The visit form, for every platform: what it holds, where it comes from, how it is checked.

``VisitForm`` is what the form shows and holds. It comes from a prefill (the typed line), from
an account card's button, or from the platform's submitted values (when the account changes
the form is rebuilt from what is on screen, so nothing typed is lost). ``visit_form`` is its
neutral definition (``handlers.forms.model``) each platform renders; ``to_input`` checks a
submission and turns it into the service input, or errors keyed by field id. The rules a
visit must follow (dates, due dates) are the service's (``services.visits.visit_errors``):
the form shows them on their field, and ``VisitService.log`` refuses what breaks them.

Repeated fields carry their slot in the id (``promise_text:0``). Budget (Slack's modal holds
100 blocks, an Adaptive Card ~28 KB): at most ``MAX_PROMISES`` promise slots,
``MAX_NEW_CONTACTS`` new-contact slots and ``MAX_NOTES`` competitor notes; prices and stock
are one multi-line text field each (see ``lines``); whatever does not fit goes to the summary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from pydantic import ValidationError

from kam_bot.domain.drafts import ParseProblem
from kam_bot.domain.enums import (
    CompetitorActivity,
    ContactRole,
    FunnelStage,
    GoalReached,
    Locale,
    Objective,
    ProcurementStage,
    PromiseDirection,
    StageKind,
    VisitKind,
)
from kam_bot.domain.matching import fold
from kam_bot.domain.models import Contact, User
from kam_bot.handlers.describe import problem_line
from kam_bot.handlers.forms.errors import error_message, error_path
from kam_bot.handlers.forms.lines import price_line, read_prices, read_stocks, stock_line
from kam_bot.handlers.forms.model import (
    Break,
    Choice,
    ChoiceGroup,
    Field,
    FieldErrors,
    FieldKind,
    Form,
    Item,
    Note,
)
from kam_bot.handlers.forms.values import FormValues
from kam_bot.handlers.prefill import Problem, VisitPrefill, today_for, visit_time
from kam_bot.handlers.render import enum_label, error_reply
from kam_bot.i18n import t
from kam_bot.i18n.catalog import CATALOG
from kam_bot.services.container import Services
from kam_bot.services.errors import ServiceError
from kam_bot.services.inputs import (
    VisitInput,
)
from kam_bot.services.visits import visit_date_errors

FORM_ID = "visit"
MAX_PROMISES = 10
MAX_NEW_CONTACTS = 3
MAX_NOTES = 3
ERROR_LIMIT = 300

ListedCurrency = Callable[[str], str | None]
"""Product -> the price list's currency, which fills a price typed without one."""
E = TypeVar("E")


@dataclass
class PromiseSlot:
    text: str = ""
    due: date | None = None
    direction: PromiseDirection = PromiseDirection.OURS


@dataclass
class ContactSlot:
    name: str = ""
    title: str = ""
    role: ContactRole | None = None


@dataclass
class NoteSlot:
    competitor: str
    text: str
    activity: CompetitorActivity = CompetitorActivity.OTHER

    @property
    def line(self) -> str:
        return f"{self.competitor}: {self.text}"


@dataclass
class VisitForm:
    account: tuple[int, str] | None = None
    contact_ids: list[int] = field(default_factory=list)
    new_contacts: list[ContactSlot] = field(default_factory=list)
    kind: VisitKind = VisitKind.IN_PERSON
    visit_date: date | None = None
    objectives: list[Objective] = field(default_factory=list)
    goal: str = ""
    goal_reached: GoalReached | None = None
    summary: str = ""
    needs: str = ""
    competitor_intel: str = ""
    notes: list[NoteSlot] = field(default_factory=list)
    next_step: str = ""
    next_visit_date: date | None = None
    promises: list[PromiseSlot] = field(default_factory=list)
    prices: str = ""
    stocks: str = ""
    stage: str | None = None
    """``funnel:customer`` or ``procurement:negotiation``."""
    contacts_block: str | None = None
    """The id of the people-met input as shown (it names the account the chain was listed for)."""
    forged: dict[str, str] = field(default_factory=dict)
    """Inputs whose submitted value the form never offers (a forged request), by field id: the
    catalog key of the refusal (``form.bad_choice``, ``form.bad_date``)."""

    # -- where a form comes from ----------------------------------------------------

    @classmethod
    def from_prefill(cls, prefill: VisitPrefill, today: date) -> VisitForm:
        d = prefill.draft
        summary = d.summary or ""
        for piece in d.unplaced:
            if piece not in summary:
                summary = f"{summary}\n{piece}".strip()
        promises = [
            PromiseSlot(
                p.text if p.due_date or not p.due_text else f"{p.text} ({p.due_text})",
                p.due_date,
                p.direction,
            )
            for p in d.promises
        ]  # a date that could not be placed stays beside the text until one is picked
        if prefill.account is not None:
            contacts = [ContactSlot(c.name, c.title or "", c.role) for c in prefill.new_contacts]
        else:  # no chain to match yet: everyone named waits in a slot (matched when an account is picked)
            contacts = [ContactSlot(c.name, c.title or "") for c in d.contacts]
        notes = [NoteSlot(n.competitor, n.text, n.activity) for n in d.competitor_notes]
        extra: list[str] = []
        if len(promises) > MAX_PROMISES:
            extra += [
                f"{p.direction.value}: {p.text}" + (f" ({p.due.isoformat()})" if p.due else "")
                for p in promises[MAX_PROMISES:]
            ]
            promises = promises[:MAX_PROMISES]
        if len(contacts) > MAX_NEW_CONTACTS:
            extra += [c.name + (f" ({c.title})" if c.title else "") for c in contacts[MAX_NEW_CONTACTS:]]
            contacts = contacts[:MAX_NEW_CONTACTS]
        if len(notes) > MAX_NOTES:
            extra += [n.line for n in notes[MAX_NOTES:]]
            notes = notes[:MAX_NOTES]
        if extra:
            summary = "\n".join([summary, *extra]).strip()
        form = cls(
            account=(prefill.account.id, prefill.account.name) if prefill.account else None,
            contact_ids=list(prefill.contact_ids),
            new_contacts=contacts,
            kind=d.kind or VisitKind.IN_PERSON,
            visit_date=d.visit_date or today,
            objectives=list(d.objectives),
            goal=d.goal or "",
            goal_reached=d.goal_reached,
            summary=summary,
            needs=d.needs or "",
            competitor_intel=d.competitor_intel or "",
            notes=notes,
            next_step=d.next_step or "",
            next_visit_date=d.next_visit_date,
            promises=promises,
            prices="\n".join(price_line(p) for p in d.prices),
            stocks="\n".join(stock_line(s) for s in d.stocks),
            stage=f"{d.stage_change.kind.value}:{d.stage_change.to_stage}" if d.stage_change else None,
        )
        return form.with_blanks()

    @classmethod
    def blank(cls, account: tuple[int, str] | None, today: date) -> VisitForm:
        return cls(account=account, visit_date=today).with_blanks()

    def with_blanks(self) -> VisitForm:
        """One empty promise and one empty new-contact slot to add another (within budget)."""
        if len(self.promises) < MAX_PROMISES:
            self.promises.append(PromiseSlot())
        if len(self.new_contacts) < MAX_NEW_CONTACTS:
            self.new_contacts.append(ContactSlot())
        return self

    @classmethod
    def from_values(cls, state: FormValues) -> VisitForm:
        """The form as submitted (or as currently on screen), from any platform."""
        account_value = state.option("account")
        account = None
        if account_value and account_value.isdigit():
            account = (int(account_value), state.option_label("account") or account_value)
        contacts_block = next(iter(state.with_prefix("contacts:")), None)
        new_contacts = [
            ContactSlot(
                state.text(f"new_contact_name:{i}"),
                state.text(f"new_contact_title:{i}"),
                _enum(ContactRole, state.option(f"new_contact_role:{i}")),
            )
            for i in sorted(
                {*state.slots("new_contact_name:"), *state.slots("new_contact_title:")}
                | {*state.slots("new_contact_role:")}
            )  # a slot sent without its name still counts: its title and role are checked
        ]
        notes = []
        for block_id in state.with_prefix("note:"):
            activity = _enum(CompetitorActivity, block_id.rsplit(":", 1)[-1]) or CompetitorActivity.OTHER
            competitor, text = _split_note(state.text(block_id))
            notes.append(NoteSlot(competitor, text, activity))
        promises = [
            PromiseSlot(
                state.text(f"promise_text:{i}"),
                state.date(f"promise_due:{i}"),
                _enum(PromiseDirection, state.option(f"promise_direction:{i}")) or PromiseDirection.OURS,
            )
            for i in state.slots("promise_text:")
        ]
        return cls(
            account=account,
            contact_ids=[int(v) for v in state.options(contacts_block) if v.isdigit()]
            if contacts_block
            else [],
            new_contacts=new_contacts,
            kind=_enum(VisitKind, state.option("kind")) or VisitKind.IN_PERSON,
            visit_date=state.date("visit_date"),
            objectives=[o for v in state.options("objectives") if (o := _enum(Objective, v)) is not None],
            goal=state.text("goal"),
            goal_reached=_enum(GoalReached, state.option("goal_reached")),
            summary=state.text("summary"),
            needs=state.text("needs"),
            competitor_intel=state.text("competitor_intel"),
            notes=notes,
            next_step=state.text("next_step"),
            next_visit_date=state.date("next_visit_date"),
            promises=promises,
            prices=state.text("prices"),
            stocks=state.text("stocks"),
            stage=state.option("stage"),
            contacts_block=contacts_block,
            forged=_forged(state, contacts_block),
        )

    def follow_account(self, contacts: list[Contact]) -> None:
        """After the account changed: keep the people met who are in its chain, by name."""
        by_key = {fold(c.name): c for c in contacts}
        known = {c.id for c in contacts}
        self.contact_ids = [cid for cid in self.contact_ids if cid in known]
        remaining = []
        for slot in self.new_contacts:
            match = by_key.get(fold(slot.name)) if slot.name else None
            if match is not None:
                self.contact_ids.append(match.id)
            else:
                remaining.append(slot)
        self.new_contacts = remaining or [ContactSlot()]

    # -- checking and converting ----------------------------------------------------

    def to_input(
        self,
        loc: Locale,
        visited_at: datetime,
        submission_key: str | None,
        listed_currency: ListedCurrency,
        today: date,
    ) -> tuple[VisitInput | None, FieldErrors]:
        """The service input, or the errors to show keyed by field id (everything else stays)."""
        errors: FieldErrors = {}
        if self.account is None:
            errors["account"] = t("form.visit.pick_account", loc)
        promises: list[tuple[int, PromiseSlot]] = []
        for i, slot in enumerate(self.promises):
            if slot.text and slot.due is None:
                errors[f"promise_due:{i}"] = t("promise.needs_due_date", loc)
            elif slot.due is not None and not slot.text:
                errors[f"promise_text:{i}"] = t("promise.needs_text", loc)
            elif slot.text:
                promises.append((i, slot))
        slots = [i for i, _ in promises]
        dues = [s.due for _, s in promises if s.due is not None]
        for rule in visit_date_errors(self.visit_date or today, today, self.next_visit_date, dues):
            errors.setdefault(self.field_for(rule.field or "account", slots), t(rule.message, loc))
        for i, c in enumerate(self.new_contacts):
            if not c.name and (c.title or c.role):
                errors[f"new_contact_name:{i}"] = t("form.visit.contact_needs_name", loc)
        for i, n in enumerate(self.notes):
            if bool(n.competitor) != bool(n.text):
                errors[_note_block(i, n)] = t("form.visit.note_format", loc)
        prices = read_prices(self.prices, today)
        for price in prices.items:
            if price.currency is None:
                price.currency = listed_currency(price.product)
        price_errors = [_line_error(n, p, loc) for n, p in prices.problems]
        price_errors += [
            t("form.visit.line_problem", loc, n=n + 1, message=t("price.needs_currency", loc))
            for n, p in enumerate(prices.items)
            if p.currency is None
        ]
        if price_errors:
            errors["prices"] = _join(price_errors)
        stocks = read_stocks(self.stocks, today)
        if stocks.problems:
            errors["stocks"] = _join([_line_error(n, p, loc) for n, p in stocks.problems])
        if errors:
            return None, errors
        assert self.account is not None
        stage = None
        if self.stage and ":" in self.stage:
            kind, to_stage = self.stage.split(":", 1)
            stage = {"kind": kind, "to_stage": to_stage}
        try:
            # one validation of plain data, so every error's path names its slot (new_contacts.1.title)
            data = VisitInput.model_validate(
                {
                    "account_id": self.account[0],
                    "visited_at": visited_at,
                    "kind": self.kind,
                    "contact_ids": self.contact_ids,
                    "new_contacts": [
                        {"name": c.name, "title": c.title or None, "role": c.role}
                        for c in self.new_contacts
                        if c.name
                    ],
                    "objectives": self.objectives,
                    "goal": self.goal or None,
                    "goal_reached": self.goal_reached,
                    "summary": self.summary or None,
                    "needs": self.needs or None,
                    "competitor_intel": self.competitor_intel or None,
                    "next_step": self.next_step or None,
                    "next_visit_date": self.next_visit_date,
                    "promises": [
                        {"text": s.text, "direction": s.direction, "due_date": s.due} for _, s in promises
                    ],
                    "prices": [p.model_dump() for p in prices.items],
                    "stocks": [s.model_dump() for s in stocks.items],
                    "competitor_notes": [
                        {"competitor": n.competitor, "activity": n.activity, "text": n.text}
                        for n in self.notes
                        if n.competitor
                    ],
                    "stage_change": stage,
                    "submission_key": submission_key,
                }
            )
        except ValidationError as exc:
            return None, self.validation_errors(exc, loc, slots)
        return data, {}

    def validation_errors(self, exc: ValidationError, loc: Locale, promise_slots: list[int]) -> FieldErrors:
        """The input's errors on the fields they are about; ``promise_slots`` maps input promises to slots."""
        errors: FieldErrors = {}
        for err in exc.errors():
            field_id = self.field_for(error_path(err), promise_slots)
            errors.setdefault(field_id, error_message(err, loc)[:ERROR_LIMIT])
        return errors

    def service_error_field(self, exc: ServiceError) -> str:
        """The field a service refusal is about (the account when it names no field)."""
        filled = [i for i, s in enumerate(self.promises) if s.text and s.due is not None]
        return self.field_for(exc.field or "account", filled)

    def field_for(self, path: str, promise_slots: list[int]) -> str:
        """The field id of a field path of ``VisitInput`` (``promises.0.due_date``)."""
        loc = tuple(int(p) if p.isdigit() else p for p in path.split(".")) if path else ()
        name = str(loc[0]) if loc else "account"
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
        sub = str(loc[2]) if len(loc) > 2 else ""
        if name == "promises":
            slot = promise_slots[index] if index < len(promise_slots) else 0
            return f"promise_due:{slot}" if sub == "due_date" else f"promise_text:{slot}"
        if name == "new_contacts":
            named = [i for i, c in enumerate(self.new_contacts) if c.name]
            slot = named[index] if index < len(named) else index
            return f"new_contact_title:{slot}" if sub == "title" else f"new_contact_name:{slot}"
        if name == "competitor_notes":
            filled = [i for i, n in enumerate(self.notes) if n.competitor]
            if index < len(filled):
                return _note_block(filled[index], self.notes[filled[index]])
        if name in {"contact_ids", "contact_id"} and self.contacts_block:
            return self.contacts_block
        aliases = {"account_id": "account", "visited_at": "visit_date", "stage_change": "stage"}
        name = aliases.get(name, name)
        return name if name in _SINGLE_BLOCKS else "account"


_SINGLE_BLOCKS = frozenset(
    {
        "account",
        "kind",
        "visit_date",
        "objectives",
        "goal",
        "goal_reached",
        "summary",
        "needs",
        "competitor_intel",
        "next_step",
        "next_visit_date",
        "prices",
        "stocks",
        "stage",
    }
)


_CHOICES: dict[str, tuple[str, ...]] = {
    "kind": tuple(k.value for k in VisitKind),
    "goal_reached": tuple(g.value for g in GoalReached),
    "promise_direction:": tuple(d.value for d in PromiseDirection),
    "new_contact_role:": tuple(r.value for r in ContactRole),
    "stage": tuple(f"{StageKind.FUNNEL.value}:{s.value}" for s in FunnelStage)
    + tuple(f"{StageKind.PROCUREMENT.value}:{s.value}" for s in ProcurementStage),
}


def _forged(state: FormValues, contacts_block: str | None) -> dict[str, str]:
    """Submitted values no client of ours can send: a choice the form never offered, a date that
    is not one. Refused on their field rather than read as nothing."""
    out: dict[str, str] = {}
    for prefix, allowed in _CHOICES.items():
        ids = state.with_prefix(prefix) if prefix.endswith(":") else [prefix]
        for field_id in ids:
            value = state.option(field_id)
            if value and value not in allowed:
                out[field_id] = "form.bad_choice"
    objectives = {o.value for o in Objective}
    if any(v not in objectives for v in state.options("objectives")):
        out["objectives"] = "form.bad_choice"
    if contacts_block and not all(v.isdigit() for v in state.options(contacts_block)):
        out[contacts_block] = "form.bad_choice"
    for field_id in ["visit_date", "next_visit_date", *state.with_prefix("promise_due:")]:
        if state.date_text(field_id) and state.date(field_id) is None:
            out[field_id] = "form.bad_date"
    return out


def _enum(kind: type[E], value: str | None) -> E | None:
    if value is None:
        return None
    try:
        return kind(value)  # type: ignore[call-arg]
    except ValueError:
        return None


def _split_note(text: str) -> tuple[str, str]:
    for sep in (":", "："):
        if sep in text:
            name, _, rest = text.partition(sep)
            return name.strip(), rest.strip()
    return "", text.strip()


def _note_block(index: int, n: NoteSlot) -> str:
    return f"note:{index}:{n.activity.value}"


def _line_error(n: int, p: ParseProblem, loc: Locale) -> str:
    message = problem_line(Problem(p.field, p.message, dict(p.params), None), loc).plain.lstrip("⚠ ")
    return t("form.visit.line_problem", loc, n=n, message=message)


def _join(errors: list[str]) -> str:
    text = " ".join(errors)
    return text if len(text) <= ERROR_LIMIT else text[: ERROR_LIMIT - 1] + "…"


# -- the definition -------------------------------------------------------------------

PROBLEM_BLOCKS = frozenset({"account", "visit_date", "next_visit_date", "prices", "stocks", "goal"})


def problem_block(field_path: str) -> str | None:
    """Which input a prefill problem is about (``promises.1.due_date`` -> ``promise_due:1``)."""
    parts = field_path.split(".")
    if parts[0] == "promises" and len(parts) > 1 and parts[1].isdigit():
        return f"promise_due:{parts[1]}" if parts[-1] == "due_date" else f"promise_text:{parts[1]}"
    if parts[0] in {"stage", "stage_change"}:
        return "stage"
    return parts[0] if parts[0] in PROBLEM_BLOCKS else None


def _choices(kind: str, values: list[str], loc: Locale) -> tuple[Choice, ...]:
    return tuple(Choice(v, enum_label(kind, v, loc)) for v in values)


def visit_form(
    form: VisitForm,
    contacts: list[Contact],
    loc: Locale,
    *,
    problems: list[Problem] | None = None,
    account_error: ServiceError | None = None,
) -> Form:
    """The visit form's definition. ``problems`` come from the prefill: listed on top, and each
    also hinted at its field."""
    problems = problems or []
    hints: dict[str, str] = {}
    for p in problems:
        block = problem_block(p.field)
        if block:
            hints.setdefault(block, problem_line(p, loc).plain)
    items: list[Item] = [
        Field(
            "account",
            FieldKind.ACCOUNT,
            t("form.visit.account", loc),
            str(form.account[0]) if form.account else None,
            value_label=form.account[1] if form.account else None,
            required=True,
            hint=hints.get("account"),
            placeholder=t("form.visit.account_placeholder", loc),
            refresh=True,
        ),
        *_contact_items(form, contacts, loc),
        *_about_items(form, loc, hints),
        *_promise_items(form, loc, hints),
        Break(),
        _lines_field(
            "prices", t("form.visit.prices", loc), form.prices, t("form.visit.prices_hint", loc), hints
        ),
        _lines_field(
            "stocks", t("form.visit.stocks", loc), form.stocks, t("form.visit.stocks_hint", loc), hints
        ),
        Field(
            "stage",
            FieldKind.CHOICE,
            t("form.visit.stage", loc),
            form.stage,
            groups=_stage_groups(loc),
            hint=hints.get("stage"),
        ),
    ]
    return Form(
        FORM_ID,
        t("form.visit.title", loc),
        t("form.save", loc),
        tuple(items),
        tuple(problems),
        account_error,
    )


def _lines_field(field_id: str, label: str, value: str, hint: str, hints: dict[str, str]) -> Field:
    """A multi-line text of one entry a line (``lines``): hinted with its problem, else its format."""
    return Field(field_id, FieldKind.TEXT, label, value, multiline=True, hint=hints.get(field_id) or hint)


def _contact_items(form: VisitForm, contacts: list[Contact], loc: Locale) -> list[Item]:
    """Who was met: a multiple choice of the account's decision chain, then slots for new people."""
    items: list[Item] = []
    if form.account is None:
        items.append(Note(t("form.visit.contacts_first", loc)))
    elif not contacts:
        items.append(Note(t("form.visit.no_contacts", loc)))
    else:
        items.append(
            Field(
                f"contacts:{form.account[0]}",
                FieldKind.MULTI_CHOICE,
                t("form.visit.contacts", loc),
                tuple(str(i) for i in form.contact_ids),
                choices=tuple(
                    Choice(str(c.id), c.name + (f" ({c.title})" if c.title else "")) for c in contacts
                ),
            )
        )
    roles = _choices("contact_role", [r.value for r in ContactRole], loc)
    for i, person in enumerate(form.new_contacts):
        n = i + 1
        items += [
            Field(
                f"new_contact_name:{i}",
                FieldKind.TEXT,
                t("form.visit.new_contact_name", loc, n=n),
                person.name,
                max_length=200,
            ),
            Field(
                f"new_contact_title:{i}",
                FieldKind.TEXT,
                t("form.visit.new_contact_title", loc, n=n),
                person.title,
                max_length=200,
            ),
            Field(
                f"new_contact_role:{i}",
                FieldKind.CHOICE,
                t("form.visit.new_contact_role", loc, n=n),
                person.role.value if person.role else None,
                choices=roles,
            ),
        ]
    return items


def _about_items(form: VisitForm, loc: Locale, hints: dict[str, str]) -> list[Item]:
    """How, when, why, what came of it, and what comes next."""
    items: list[Item] = [
        Field(
            "kind",
            FieldKind.CHOICE,
            t("form.visit.kind", loc),
            form.kind.value,
            required=True,
            choices=_choices("visit_kind", [k.value for k in VisitKind], loc),
            expanded=True,
        ),
        Field(
            "visit_date",
            FieldKind.DATE,
            t("form.visit.date", loc),
            form.visit_date,
            required=True,
            hint=hints.get("visit_date"),
        ),
        Field(
            "objectives",
            FieldKind.MULTI_CHOICE,
            t("form.visit.objectives", loc),
            tuple(o.value for o in form.objectives),
            choices=_choices("objective", [o.value for o in Objective], loc),
            expanded=True,
        ),
        Field("goal", FieldKind.TEXT, t("form.visit.goal", loc), form.goal, hint=hints.get("goal")),
        Field(
            "goal_reached",
            FieldKind.CHOICE,
            t("form.visit.goal_reached", loc),
            form.goal_reached.value if form.goal_reached else None,
            choices=_choices("goal_reached", [g.value for g in GoalReached], loc),
            expanded=True,
        ),
        Field("summary", FieldKind.TEXT, t("form.visit.summary", loc), form.summary, multiline=True),
        Field("needs", FieldKind.TEXT, t("form.visit.needs", loc), form.needs, multiline=True),
        Field(
            "competitor_intel",
            FieldKind.TEXT,
            t("form.visit.intel", loc),
            form.competitor_intel,
            multiline=True,
        ),
    ]
    for i, note in enumerate(form.notes):
        label = t(
            "form.visit.note", loc, activity=enum_label("competitor_activity", note.activity.value, loc)
        )
        items.append(
            Field(
                _note_block(i, note), FieldKind.TEXT, label, note.line, hint=t("form.visit.note_format", loc)
            )
        )
    items += [
        Field("next_step", FieldKind.TEXT, t("form.visit.next_step", loc), form.next_step),
        Field(
            "next_visit_date",
            FieldKind.DATE,
            t("form.visit.next_visit", loc),
            form.next_visit_date,
            hint=hints.get("next_visit_date"),
        ),
    ]
    return items


def _promise_items(form: VisitForm, loc: Locale, hints: dict[str, str]) -> list[Item]:
    """Each promise slot: text, due date and who promised."""
    items: list[Item] = [Break(t("form.visit.section_promises", loc))]
    directions = tuple(Choice(d.value, t(f"form.direction.{d.value}", loc)) for d in PromiseDirection)
    for i, promise in enumerate(form.promises):
        n = i + 1
        items += [
            Field(
                f"promise_text:{i}",
                FieldKind.TEXT,
                t("form.visit.promise_text", loc, n=n),
                promise.text,
                hint=hints.get(f"promise_text:{i}"),
            ),
            Field(
                f"promise_due:{i}",
                FieldKind.DATE,
                t("form.visit.promise_due", loc, n=n),
                promise.due,
                hint=hints.get(f"promise_due:{i}"),
            ),
            Field(
                f"promise_direction:{i}",
                FieldKind.CHOICE,
                t("form.visit.promise_direction", loc, n=n),
                promise.direction.value,
                choices=directions,
                expanded=True,
            ),
        ]
    return items


def _stage_groups(loc: Locale) -> tuple[ChoiceGroup, ...]:
    funnel = tuple(
        Choice(f"{StageKind.FUNNEL.value}:{s.value}", enum_label("funnel_stage", s.value, loc))
        for s in FunnelStage
    )
    procurement = tuple(
        Choice(f"{StageKind.PROCUREMENT.value}:{s.value}", enum_label("procurement_stage", s.value, loc))
        for s in ProcurementStage
    )
    return (
        ChoiceGroup(t("form.visit.stage_funnel", loc), funnel),
        ChoiceGroup(t("form.visit.stage_procurement", loc), procurement),
    )


# -- the handler ----------------------------------------------------------------------


def check_visit(
    app: Services, actor: User, form: VisitForm, submission_key: str | None
) -> tuple[VisitInput | None, FieldErrors]:
    """A submitted visit form as the service input, or what to fix keyed by field id."""
    checked, errors = form.to_input(
        actor.locale,
        visit_time(app, actor, form.visit_date),
        submission_key,
        app.observations.listed_currency,
        today_for(app, actor),
    )
    if form.forged:
        labels = _labels(form, actor.locale)
        forged = {
            f: t(key, actor.locale, field=labels.get(f) or _slot_label(f, actor.locale))
            for f, key in form.forged.items()
        }
        checked, errors = None, {**errors, **forged}
    if form.account is not None and "account" not in errors:
        refusal = app.accounts.write_refusal(actor, form.account[0])
        if refusal is not None:
            lines = error_reply(refusal, actor.locale).sections[0].lines
            checked, errors["account"] = None, " ".join(line.plain for line in lines)
    return checked, named(errors, form, actor.locale)


def _labels(form: VisitForm, loc: Locale) -> dict[str, str]:
    labels = {item.id: item.label for item in visit_form(form, [], loc).items if isinstance(item, Field)}
    if form.contacts_block:  # listed only with the account's chain, which is not needed here
        labels[form.contacts_block] = t("form.visit.contacts", loc)
    return labels


def _slot_label(field_id: str, loc: Locale) -> str:
    """The label of a repeated field (``promise_due:1``) whose slot the submission left out."""
    name, _, slot = field_id.partition(":")
    n = int(slot) + 1 if slot.isdigit() else 1
    return t(f"form.visit.{name}", loc, n=n) if f"form.visit.{name}" in CATALOG else name


_NAMED = re.compile(r"^[^:：.。?？]{1,40}[:：]")
"""A message that starts with what it is about ("Due date: …", "Line 2: …")."""


def named(errors: FieldErrors, form: VisitForm, loc: Locale) -> FieldErrors:
    """Each message names its field ("Promise 2: due — When is it due? …") where it does not yet."""
    if not errors:
        return errors
    labels = _labels(form, loc)
    out: FieldErrors = {}
    for field_id, message in errors.items():
        label = labels.get(field_id, "")
        head = re.split("[:：]", label)[0]
        about_a_line = field_id in {"prices", "stocks"}  # "Line 2: …" names the line, not the field
        if (
            not label
            or label.casefold() in message.casefold()
            or (_NAMED.match(message) and not about_a_line)
        ):
            out[field_id] = message
        elif head != label or about_a_line:  # "Promise 2: due" already holds a colon
            out[field_id] = f"{label} — {message}"
        else:
            colon = "：" if loc is Locale.ZH_HANS else ": "
            out[field_id] = f"{label}{colon}{message}"
    return out
