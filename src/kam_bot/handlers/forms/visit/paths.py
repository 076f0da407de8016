"""Where an error of the service input lands on the form: a field path of ``VisitInput``
(``promises.0.due_date``, ``new_contacts.1.title``) as the id of the input that shows it.

The input holds only the filled slots (a promise with text and due date, a named new contact,
a note with its competitor): the Nth of them is looked up among the form's slots.
"""

from __future__ import annotations

from kam_bot.domain.models import VISIT_DETAILS
from kam_bot.handlers.forms.visit.form import VisitForm

SINGLE_FIELDS = frozenset({"account", "visit_date", "prices", "stocks", "stage", *VISIT_DETAILS})
"""The inputs shown once on the form: the account, the date, the line boxes, the stage, and the
visit's details (``domain.models.VISIT_DETAILS``)."""
_ALIASES = {"account_id": "account", "visited_at": "visit_date", "stage_change": "stage"}


def field_for(form: VisitForm, path: str) -> str:
    """The field id of a field path of ``VisitInput``; the account when the path names no input."""
    parts = [p for p in path.split(".") if p] if path else []
    name = parts[0] if parts else "account"
    index = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    sub = parts[2] if len(parts) > 2 else ""
    if name in _REPEATED:
        return _REPEATED[name](form, index, sub) or "account"
    if name in {"contact_ids", "contact_id"} and form.contacts_block:
        return form.contacts_block
    name = _ALIASES.get(name, name)
    return name if name in SINGLE_FIELDS else "account"


def _promise(form: VisitForm, index: int, sub: str) -> str:
    slots = form.promise_slots()
    slot = slots[index] if index < len(slots) else 0
    return f"promise_due:{slot}" if sub == "due_date" else f"promise_text:{slot}"


def _new_contact(form: VisitForm, index: int, sub: str) -> str:
    named = [i for i, c in enumerate(form.new_contacts) if c.name]
    slot = named[index] if index < len(named) else index
    return f"new_contact_title:{slot}" if sub == "title" else f"new_contact_name:{slot}"


def _note(form: VisitForm, index: int, sub: str) -> str | None:
    filled = [i for i, n in enumerate(form.notes) if n.competitor]
    return form.notes[filled[index]].block(filled[index]) if index < len(filled) else None


_REPEATED = {"promises": _promise, "new_contacts": _new_contact, "competitor_notes": _note}
