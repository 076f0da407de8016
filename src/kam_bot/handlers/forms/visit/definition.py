"""The visit form's definition (``handlers.forms.model``), which every platform renders: a Slack
modal, an Adaptive Card, the console's labels. Repeated fields carry their slot in the id
(``promise_text:0``); the fields a prefill problem is about are hinted with it."""

from __future__ import annotations

from datetime import date

from kam_bot.domain.enums import (
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
from kam_bot.domain.models import Contact
from kam_bot.handlers.describe import problem_line
from kam_bot.handlers.forms.model import Break, Choice, ChoiceGroup, Field, FieldKind, Form, Item, Note
from kam_bot.handlers.forms.visit.form import FORM_ID, VisitForm
from kam_bot.handlers.prefill import Problem, VisitPrefill
from kam_bot.handlers.render import enum_label
from kam_bot.i18n import t
from kam_bot.services.errors import ServiceError

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


def typed_visit_form(prefill: VisitPrefill, today: date, loc: Locale) -> tuple[VisitForm, Form]:
    """The visit form a typed line (``/visit …``, ``visit …``) opens: blank for an empty line,
    otherwise prefilled, with the line's contacts and its problems and account error marked."""
    if not prefill.text.strip():
        form = VisitForm.blank(None, today)
        return form, visit_form(form, [], loc)
    form = VisitForm.from_prefill(prefill, today)
    error = prefill.account_error
    return form, visit_form(form, prefill.contacts, loc, problems=prefill.problems, account_error=error)


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
            Field(note.block(i), FieldKind.TEXT, label, note.line, hint=t("form.visit.note_format", loc))
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
