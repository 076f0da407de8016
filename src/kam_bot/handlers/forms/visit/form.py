"""What the visit form holds, and where it comes from: a prefill (the typed line), an account
card's button (``blank``), or a platform's submitted values (``from_values``; when the account
changes the form is rebuilt from what is on screen, so nothing typed is lost)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from kam_bot.domain.drafts import PromiseDraft, VisitDraft
from kam_bot.domain.enums import (
    CompetitorActivity,
    ContactRole,
    FunnelStage,
    GoalReached,
    Objective,
    ProcurementStage,
    PromiseDirection,
    StageKind,
    VisitKind,
)
from kam_bot.domain.matching import fold
from kam_bot.domain.models import VISIT_DETAILS, Contact
from kam_bot.handlers.forms.lines import price_line, stock_line
from kam_bot.handlers.forms.values import FormValues
from kam_bot.handlers.prefill import VisitPrefill

FORM_ID = "visit"
MAX_PROMISES = 10
MAX_NEW_CONTACTS = 3
MAX_NOTES = 3

TEXT_DETAILS = ("goal", "summary", "needs", "competitor_intel", "next_step")
"""The details (``domain.models.VISIT_DETAILS``) typed as text: "" on the form, None when saved."""

E = TypeVar("E")


@dataclass
class PromiseSlot:
    text: str = ""
    due: date | None = None
    direction: PromiseDirection = PromiseDirection.OURS

    @property
    def line(self) -> str:
        return f"{self.direction.value}: {self.text}" + (f" ({self.due.isoformat()})" if self.due else "")


@dataclass
class ContactSlot:
    name: str = ""
    title: str = ""
    role: ContactRole | None = None

    @property
    def line(self) -> str:
        return self.name + (f" ({self.title})" if self.title else "")


@dataclass
class NoteSlot:
    competitor: str
    text: str
    activity: CompetitorActivity = CompetitorActivity.OTHER

    @property
    def line(self) -> str:
        return f"{self.competitor}: {self.text}"

    def block(self, index: int) -> str:
        """Its field id: the slot and the activity (``note:0:promotion``)."""
        return f"note:{index}:{self.activity.value}"


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

    @classmethod
    def from_prefill(cls, prefill: VisitPrefill, today: date, *, fit: bool = True) -> VisitForm:
        """The form prefilled from the typed line. ``fit``: slots beyond the budget (a modal's 100
        blocks) go to the summary as text; the console, which has no budget, keeps them all."""
        d = prefill.draft
        form = cls(
            account=(prefill.account.id, prefill.account.name) if prefill.account else None,
            contact_ids=list(prefill.contact_ids),
            new_contacts=_contact_slots(prefill),
            visit_date=d.visit_date or today,
            **{**_details(d), "summary": _summary(d)},
            notes=[NoteSlot(n.competitor, n.text, n.activity) for n in d.competitor_notes],
            promises=[_promise_slot(p) for p in d.promises],
            prices="\n".join(price_line(p) for p in d.prices),
            stocks="\n".join(stock_line(s) for s in d.stocks),
            stage=f"{d.stage_change.kind.value}:{d.stage_change.to_stage}" if d.stage_change else None,
        )
        if fit:
            form.fit()
        return form.with_blanks() if fit else form

    def fit(self) -> None:
        """Slots beyond the budget become lines of the summary: nothing typed is lost."""
        extra = [p.line for p in self.promises[MAX_PROMISES:]]
        extra += [c.line for c in self.new_contacts[MAX_NEW_CONTACTS:]]
        extra += [n.line for n in self.notes[MAX_NOTES:]]
        self.promises = self.promises[:MAX_PROMISES]
        self.new_contacts = self.new_contacts[:MAX_NEW_CONTACTS]
        self.notes = self.notes[:MAX_NOTES]
        if extra:
            self.summary = "\n".join([self.summary, *extra]).strip()

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
        contacts_block = next(iter(state.with_prefix("contacts:")), None)
        return cls(
            account=_account(state),
            contact_ids=[int(v) for v in state.options(contacts_block) if v.isdigit()]
            if contacts_block
            else [],
            new_contacts=_new_contacts(state),
            kind=_enum(VisitKind, state.option("kind")) or VisitKind.IN_PERSON,
            visit_date=state.date("visit_date"),
            objectives=[o for v in state.options("objectives") if (o := _enum(Objective, v)) is not None],
            goal=state.text("goal"),
            goal_reached=_enum(GoalReached, state.option("goal_reached")),
            summary=state.text("summary"),
            needs=state.text("needs"),
            competitor_intel=state.text("competitor_intel"),
            notes=_notes(state),
            next_step=state.text("next_step"),
            next_visit_date=state.date("next_visit_date"),
            promises=_promises(state),
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

    def details(self) -> dict[str, Any]:
        """The visit's details (``VISIT_DETAILS``) as the service input takes them: empty text is None."""
        values = {name: getattr(self, name) for name in VISIT_DETAILS}
        return values | {name: values[name] or None for name in TEXT_DETAILS}

    def promise_slots(self) -> list[int]:
        """The slots of the promises the service input holds (text and due date both given)."""
        return [i for i, s in enumerate(self.promises) if s.text and s.due is not None]


def _details(d: VisitDraft) -> dict[str, Any]:
    """The draft's details (``VISIT_DETAILS``) as the form holds them: text "" when none."""
    values = d.model_dump(include=set(VISIT_DETAILS))
    return (
        values | {name: values[name] or "" for name in TEXT_DETAILS} | {"kind": d.kind or VisitKind.IN_PERSON}
    )


def _promise_slot(p: PromiseDraft) -> PromiseSlot:
    """A date that could not be placed stays beside the text until one is picked."""
    return PromiseSlot(
        p.text if p.due_date or not p.due_text else f"{p.text} ({p.due_text})", p.due_date, p.direction
    )


def _summary(d: VisitDraft) -> str:
    summary = d.summary or ""
    for piece in d.unplaced:
        if piece not in summary:
            summary = f"{summary}\n{piece}".strip()
    return summary


def _contact_slots(prefill: VisitPrefill) -> list[ContactSlot]:
    if prefill.account is not None:
        return [ContactSlot(c.name, c.title or "", c.role) for c in prefill.new_contacts]
    # no chain to match yet: everyone named waits in a slot (matched when an account is picked)
    return [ContactSlot(c.name, c.title or "") for c in prefill.draft.contacts]


# -- reading submitted values ------------------------------------------------------------


def _account(state: FormValues) -> tuple[int, str] | None:
    value = state.option("account")
    return (int(value), state.option_label("account") or value) if value and value.isdigit() else None


def _new_contacts(state: FormValues) -> list[ContactSlot]:
    # a slot sent without its name still counts: its title and role are checked
    slots = {
        *state.slots("new_contact_name:"),
        *state.slots("new_contact_title:"),
        *state.slots("new_contact_role:"),
    }
    return [
        ContactSlot(
            state.text(f"new_contact_name:{i}"),
            state.text(f"new_contact_title:{i}"),
            _enum(ContactRole, state.option(f"new_contact_role:{i}")),
        )
        for i in sorted(slots)
    ]


def _notes(state: FormValues) -> list[NoteSlot]:
    notes = []
    for block_id in state.with_prefix("note:"):
        activity = _enum(CompetitorActivity, block_id.rsplit(":", 1)[-1]) or CompetitorActivity.OTHER
        competitor, text = _split_note(state.text(block_id))
        notes.append(NoteSlot(competitor, text, activity))
    return notes


def _promises(state: FormValues) -> list[PromiseSlot]:
    return [
        PromiseSlot(
            state.text(f"promise_text:{i}"),
            state.date(f"promise_due:{i}"),
            _enum(PromiseDirection, state.option(f"promise_direction:{i}")) or PromiseDirection.OURS,
        )
        for i in state.slots("promise_text:")
    ]


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
        out |= {f: "form.bad_choice" for f in ids if (v := state.option(f)) and v not in allowed}
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
