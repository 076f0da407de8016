"""The visit form as an Adaptive Card: built from the typed line's prefill, read back from its inputs.

What the card does not show (objectives, needs, competitor notes, a stage change, the visit
kind) comes from the typed line, which travels in the Save button's data together with the
submission key: the form is re-read from ``text`` plus the inputs, so nothing typed is lost
and a second click on Save carries the same key (the visit service saves it once).

Account choice is an ``Input.ChoiceSet`` whose choices come from the bot as the person types
(``choices.data`` = ``Data.Query``, dataset ``accounts``): Teams sends ``application/search``
invokes, answered by the account search service, so 20,000 accounts never travel in a card.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from microsoft_teams.cards.core import (
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    Container,
    DateInput,
    ExecuteAction,
    QueryData,
    TextBlock,
    TextInput,
)

from kam_bot.domain.drafts import ContactMention, PriceDraft, PromiseDraft, StockDraft
from kam_bot.domain.enums import GoalReached, Locale, PromiseDirection
from kam_bot.domain.parsing import parse_price, parse_stock
from kam_bot.handlers.describe import problem_line
from kam_bot.handlers.prefill import Problem, VisitPrefill
from kam_bot.handlers.render import enum_label
from kam_bot.i18n import t

from .cards import CARD_VERSION, MAX_CARD_BYTES, card_bytes
from .markdown import bold, escape

SAVE_VERB = "visit.save"
ACCOUNT_DATASET = "accounts"
MAX_PROMISES = 10
_STAND_IN = "kamline"
"""Stands in for the account in the quick-entry grammar when reading price and stock lines."""


@dataclass
class PromiseSlot:
    text: str = ""
    due: date | None = None
    direction: PromiseDirection = PromiseDirection.OURS


@dataclass
class VisitCard:
    """What the card shows and holds; ``errors`` are keyed by input id."""

    text: str
    key: str
    account: tuple[int, str] | None = None
    visit_date: date | None = None
    contacts: str = ""
    goal: str = ""
    goal_reached: GoalReached | None = None
    summary: str = ""
    next_step: str = ""
    next_visit_date: date | None = None
    promises: list[PromiseSlot] = field(default_factory=list)
    prices: str = ""
    stocks: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """Problems shown on top (what the parser could not use, a refused save)."""

    # -- from the typed line ------------------------------------------------------------

    @classmethod
    def from_prefill(cls, prefill: VisitPrefill, key: str, today: date, loc: Locale) -> VisitCard:
        d = prefill.draft
        summary = "\n".join(x for x in [d.summary or "", *d.unplaced] if x and x not in (d.summary or ""))
        summary = "\n".join(x for x in [d.summary or "", summary] if x).strip()
        known = {c.id: c for c in prefill.contacts}
        people = [known[i] for i in prefill.contact_ids if i in known]
        contact_lines = [c.name + (f", {c.title}" if c.title else "") for c in people]
        mentions = prefill.new_contacts if prefill.account is not None else d.contacts
        contact_lines += [c.name + (f", {c.title}" if c.title else "") for c in mentions]
        promises = [
            PromiseSlot(
                p.text if p.due_date or not p.due_text else f"{p.text} ({p.due_text})",
                p.due_date,
                p.direction,
            )
            for p in d.promises[:MAX_PROMISES]
        ]
        card = cls(
            text=prefill.text,
            key=key,
            account=(prefill.account.id, prefill.account.name) if prefill.account else None,
            visit_date=d.visit_date or today,
            contacts="\n".join(contact_lines),
            goal=d.goal or "",
            goal_reached=d.goal_reached,
            summary=summary,
            next_step=d.next_step or "",
            next_visit_date=d.next_visit_date,
            promises=promises,
            prices="\n".join(_price_line(p) for p in d.prices),
            stocks="\n".join(_stock_line(s) for s in d.stocks),
        )
        card.notes = [problem_line(p, loc).plain for p in prefill.problems if _shown_on_top(p)]
        for p in prefill.problems:
            target = _input_for(p.field)
            if target:
                card.errors.setdefault(target, problem_line(p, loc).plain)
        return card

    # -- from the submitted inputs ---------------------------------------------------------

    @classmethod
    def from_inputs(cls, data: dict[str, Any], account_name: str | None) -> VisitCard:
        def text(name: str) -> str:
            value = data.get(name)
            return str(value).strip() if value is not None else ""

        account_value = text("account")
        account = (int(account_value), account_name or account_value) if account_value.isdigit() else None
        promises = []
        for i in range(MAX_PROMISES):
            if f"promise_text_{i}" not in data and f"promise_due_{i}" not in data:
                continue
            direction = text(f"promise_dir_{i}") or PromiseDirection.OURS.value
            promises.append(
                PromiseSlot(
                    text(f"promise_text_{i}"),
                    _iso(text(f"promise_due_{i}")),
                    PromiseDirection(direction) if direction in {"ours", "theirs"} else PromiseDirection.OURS,
                )
            )
        reached = text("goal_reached")
        return cls(
            text=text("text"),
            key=text("key"),
            account=account,
            visit_date=_iso(text("visit_date")),
            contacts=text("contacts"),
            goal=text("goal"),
            goal_reached=GoalReached(reached) if reached in {g.value for g in GoalReached} else None,
            summary=text("summary"),
            next_step=text("next_step"),
            next_visit_date=_iso(text("next_visit_date")),
            promises=promises,
            prices=text("prices"),
            stocks=text("stocks"),
        )

    def apply(self, prefill: VisitPrefill, today: date, loc: Locale) -> bool:
        """Put the card's values into ``prefill`` (whose draft came from the typed line); False with
        ``errors`` set when something must be fixed first."""
        self.errors = {}
        if self.account is None:
            self.errors["account"] = t("teams.visit.pick_account", loc)
        if self.visit_date is not None and self.visit_date > today:
            self.errors["visit_date"] = t("visit.in_future", loc)
        if self.next_visit_date and self.visit_date and self.next_visit_date <= self.visit_date:
            self.errors["next_visit_date"] = t("teams.visit.next_before", loc)
        promises: list[PromiseDraft] = []
        for i, slot in enumerate(self.promises):
            if slot.text and slot.due is None:
                self.errors[f"promise_due_{i}"] = t("promise.needs_due_date", loc)
            elif slot.due is not None and not slot.text:
                self.errors[f"promise_text_{i}"] = t("promise.needs_text", loc)
            elif slot.text:
                promises.append(PromiseDraft(text=slot.text, direction=slot.direction, due_date=slot.due))
        prices = self._read_lines("prices", self.prices, today, loc, _read_price)
        stocks = self._read_lines("stocks", self.stocks, today, loc, _read_stock)
        contacts = []
        for n, line in enumerate(self.contacts.splitlines(), 1):
            name, _, title = line.partition(",")
            if not name.strip() and title.strip():
                self.errors["contacts"] = t(
                    "teams.visit.line_problem", loc, n=n, message=t("teams.visit.contact_format", loc)
                )
            elif name.strip():
                contacts.append(ContactMention(name=name.strip()[:200], title=title.strip()[:200] or None))
        if self.errors:
            return False
        d = prefill.draft.model_copy(deep=True)
        d.visit_date, d.goal, d.goal_reached = self.visit_date, self.goal or None, self.goal_reached
        d.summary, d.unplaced = self.summary or None, []
        d.next_step, d.next_visit_date = self.next_step or None, self.next_visit_date
        d.promises, d.prices, d.stocks, d.contacts = promises, prices, stocks, contacts
        prefill.draft = d
        return True

    def _read_lines(self, name: str, value: str, today: date, loc: Locale, read: Any) -> list[Any]:
        items, errors = [], []
        for n, line in enumerate(value.splitlines(), 1):
            if not line.strip():
                continue
            item, problems = read(line.strip(), today)
            if problems:
                message = problem_line(
                    Problem(name, problems[0].message, dict(problems[0].params)), loc
                ).plain
                errors.append(t("teams.visit.line_problem", loc, n=n, message=message.lstrip("⚠ ")))
            elif item is not None:
                items.append(item)
        if errors:
            self.errors[name] = " ".join(errors)
        return items

    # -- the card ---------------------------------------------------------------------------

    def card(self, loc: Locale) -> AdaptiveCard:
        """The form; the typed line is shown on top unless that would break Teams' card size limit
        (it is in the chat right above the card anyway, and in the Save button's data)."""
        card = self._card(loc, show_typed=True)
        return card if card_bytes(card) <= MAX_CARD_BYTES else self._card(loc, show_typed=False)

    def _card(self, loc: Locale, show_typed: bool) -> AdaptiveCard:
        body: list[CardElement] = [
            TextBlock(text=bold(t("teams.visit.title", loc)), size="Medium", wrap=True)
        ]
        notes = [t("teams.visit.fix", loc), *self.notes] if self.errors else self.notes
        if notes:
            body.append(
                Container(style="attention", items=[TextBlock(text=escape(n), wrap=True) for n in notes])
            )
        if show_typed and self.text:
            body.append(
                TextBlock(text=escape(t("teams.visit.typed", loc, text=self.text)), wrap=True, is_subtle=True)
            )
        body += self._field(self._account_input(loc), "account")
        body += self._field(
            DateInput(id="visit_date", label=t("teams.visit.date", loc), value=_day(self.visit_date)),
            "visit_date",
        )
        body += self._field(
            TextInput(
                id="contacts",
                label=t("teams.visit.contacts", loc),
                value=self.contacts,
                is_multiline=True,
                max_length=2000,
            ),
            "contacts",
        )
        body += self._field(
            TextInput(id="goal", label=t("teams.visit.goal", loc), value=self.goal, max_length=500), "goal"
        )
        reached = [Choice(title=enum_label("goal_reached", g.value, loc), value=g.value) for g in GoalReached]
        body += self._field(
            ChoiceSetInput(
                id="goal_reached",
                label=t("teams.visit.goal_reached", loc),
                choices=reached,
                value=self.goal_reached.value if self.goal_reached else None,
                style="expanded",
            ),
            "goal_reached",
        )
        body += self._field(
            TextInput(
                id="summary",
                label=t("teams.visit.summary", loc),
                value=self.summary,
                is_multiline=True,
                max_length=4000,
            ),
            "summary",
        )
        body.append(TextBlock(text=bold(t("teams.visit.promises", loc)), wrap=True, separator=True))
        slots = [*self.promises]
        if len(slots) < MAX_PROMISES:
            slots.append(PromiseSlot())
        directions = [
            Choice(title=t(f"teams.direction.{d.value}", loc), value=d.value) for d in PromiseDirection
        ]
        for i, slot in enumerate(slots):
            body += self._field(
                TextInput(
                    id=f"promise_text_{i}",
                    label=t("teams.visit.promise_text", loc, n=i + 1),
                    value=slot.text,
                    max_length=500,
                ),
                f"promise_text_{i}",
            )
            body += self._field(
                DateInput(
                    id=f"promise_due_{i}", label=t("teams.visit.promise_due", loc), value=_day(slot.due)
                ),
                f"promise_due_{i}",
            )
            body += self._field(
                ChoiceSetInput(
                    id=f"promise_dir_{i}",
                    label=t("teams.visit.promise_direction", loc),
                    choices=directions,
                    value=slot.direction.value,
                    style="compact",
                ),
                f"promise_dir_{i}",
            )
        body += self._field(
            TextInput(
                id="prices",
                label=t("teams.visit.prices", loc),
                value=self.prices,
                is_multiline=True,
                max_length=2000,
            ),
            "prices",
        )
        body += self._field(
            TextInput(
                id="stocks",
                label=t("teams.visit.stocks", loc),
                value=self.stocks,
                is_multiline=True,
                max_length=2000,
            ),
            "stocks",
        )
        body += self._field(
            TextInput(
                id="next_step", label=t("teams.visit.next_step", loc), value=self.next_step, max_length=500
            ),
            "next_step",
        )
        body += self._field(
            DateInput(
                id="next_visit_date", label=t("teams.visit.next_visit", loc), value=_day(self.next_visit_date)
            ),
            "next_visit_date",
        )
        save = ExecuteAction(
            title=t("teams.visit.save", loc),
            verb=SAVE_VERB,
            data={"key": self.key, "text": self.text},
            style="positive",
        )
        return AdaptiveCard(version=CARD_VERSION, body=body, actions=[save], lang=loc.value.split("-")[0])

    def _account_input(self, loc: Locale) -> ChoiceSetInput:
        choices = [Choice(title=self.account[1], value=str(self.account[0]))] if self.account else []
        return ChoiceSetInput(
            id="account",
            label=t("teams.visit.account", loc),
            placeholder=t("teams.visit.account_placeholder", loc),
            choices=choices,
            choices_data=QueryData(dataset=ACCOUNT_DATASET),
            value=str(self.account[0]) if self.account else None,
            style="filtered",
            is_required=True,
            error_message=t("teams.visit.pick_account", loc),
        )

    def _field(self, element: CardElement, input_id: str) -> list[CardElement]:
        error = self.errors.get(input_id)
        if error is None:
            return [element]
        return [
            element,
            TextBlock(text=escape(error), wrap=True, color="Attention", spacing="None", size="Small"),
        ]


def _shown_on_top(p: Problem) -> bool:
    return _input_for(p.field) is None


def _input_for(field_path: str) -> str | None:
    parts = field_path.split(".")
    if parts[0] == "promises" and len(parts) > 1 and parts[1].isdigit():
        return f"promise_due_{parts[1]}" if parts[-1] == "due_date" else f"promise_text_{parts[1]}"
    if parts[0] in {"prices", "stocks", "account", "next_visit_date", "visit_date", "goal"}:
        return parts[0]
    return None


def _iso(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _number(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _price_line(p: PriceDraft) -> str:
    parts = [p.product]
    if p.price is not None:
        parts.append(
            _number(p.price) + (f" {p.currency}" if p.currency else "") + (f"/{p.unit}" if p.unit else "")
        )
    if p.competitor:
        parts += ["competitor", p.competitor]
    return " ".join(parts)


def _stock_line(s: StockDraft) -> str:
    parts = [s.product]
    if s.quantity is not None:
        parts.append(_number(s.quantity) + (f" {s.unit}" if s.unit else ""))
    if s.movement is not None:
        parts.append(s.movement.value)
    return " ".join(parts)


def _read_price(line: str, today: date) -> tuple[PriceDraft | None, list[Any]]:
    entry = parse_price(f"{_STAND_IN} {line}", today=today, is_account=lambda x: x == _STAND_IN)
    return entry.price, entry.problems


def _read_stock(line: str, today: date) -> tuple[StockDraft | None, list[Any]]:
    entry = parse_stock(f"{_STAND_IN} {line}", today=today, is_account=lambda x: x == _STAND_IN)
    return entry.stock, entry.problems
