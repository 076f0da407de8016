"""The /visit modal: the neutral visit form (``handlers.forms.visit``) rendered for Slack.

``private_metadata`` only holds the channel; the form's fields, rules and checks live in the
handlers, shared with every platform.
"""

from __future__ import annotations

from typing import Any

from kam_bot.adapters.slack.forms.render import account_action, form_view
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import Contact
from kam_bot.handlers.forms.visit import (
    FORM_ID,
    MAX_NEW_CONTACTS,
    MAX_NOTES,
    MAX_PROMISES,
    ContactSlot,
    NoteSlot,
    PromiseSlot,
    VisitForm,
    visit_form,
)
from kam_bot.handlers.prefill import Problem
from kam_bot.services.errors import ServiceError

CALLBACK = FORM_ID
ACCOUNT_ACTION = account_action(FORM_ID)

__all__ = [
    "ACCOUNT_ACTION",
    "CALLBACK",
    "MAX_NEW_CONTACTS",
    "MAX_NOTES",
    "MAX_PROMISES",
    "ContactSlot",
    "NoteSlot",
    "PromiseSlot",
    "VisitForm",
    "build_view",
]


def build_view(
    form: VisitForm,
    contacts: list[Contact],
    loc: Locale,
    *,
    problems: list[Problem] | None = None,
    account_error: ServiceError | None = None,
    channel: str | None = None,
    rev: int = 0,
) -> dict[str, Any]:
    """The /visit modal. ``problems`` come from the prefill: listed on top, hinted at their input."""
    definition = visit_form(form, contacts, loc, problems=problems, account_error=account_error)
    return form_view(definition, loc, meta={"ch": channel} if channel else {}, rev=rev)
