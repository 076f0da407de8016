"""A form sent as a card (Teams, Feishu): Save read back, saved once, or the form again.

Slack's modals keep the form on screen and answer field errors in place; a card platform
replaces the card instead, so what comes back is the card's next state: the saved reply, or
the neutral form again with every field to fix and what the card must carry (its submission
key, and for a visit the account the decision chain was shown for). Each platform draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kam_bot.domain.models import User
from kam_bot.handlers.forms import entries
from kam_bot.handlers.forms.model import FieldErrors, Form
from kam_bot.handlers.forms.submit import Claim, Saved, chain_or_empty, submit_entry, submit_visit
from kam_bot.handlers.forms.values import MappingValues
from kam_bot.handlers.forms.visit import VisitForm, visit_form
from kam_bot.handlers.prefill import today_for
from kam_bot.handlers.render import error_reply
from kam_bot.handlers.replies import Reply
from kam_bot.services.container import Services
from kam_bot.services.errors import ServiceError


@dataclass(frozen=True)
class FormAgain:
    """The form to show again: its fields with what was typed, and the fields to fix."""

    form: Form
    errors: FieldErrors
    shown_for: str = ""
    """For a visit: the account whose decision chain the form now lists."""


def save_visit(
    app: Services, actor: User, values: MappingValues, key: str | None, shown_for: str
) -> Saved | FormAgain:
    """The visit card's Save, once per ``key``. ``shown_for`` is the account the card listed the
    decision chain of: when another account was picked, its chain is matched by name."""
    form = VisitForm.from_values(values)
    contacts = chain_or_empty(app, actor, form.account[0]) if form.account else []
    if form.account and str(form.account[0]) != shown_for:
        form.follow_account(contacts)
    result = submit_visit(app, actor, form, key)
    if isinstance(result, Saved):
        return result
    now_for = str(form.account[0]) if form.account else ""
    return FormAgain(visit_form(form.with_blanks(), contacts, actor.locale), result.errors, now_for)


def save_entry(
    app: Services, actor: User, form_id: str, values: MappingValues, claim: Claim
) -> Saved | FormAgain:
    """A quick entry's card: checked, claimed by its key (a double click saves once), saved."""
    result = submit_entry(app, actor, form_id, values, claim)
    if isinstance(result, Saved):
        return result
    return FormAgain(entries.ENTRY_FORMS[form_id](values, actor.locale), result.errors)


def new_visit(app: Services, actor: User, account_id: int) -> Form | Reply:
    """A blank visit form for an account (a "Log a visit" button), or why there is none."""
    try:
        account = app.accounts.live(account_id)
    except ServiceError as exc:
        return error_reply(exc, actor.locale)
    form = VisitForm.blank((account.id, account.name), today_for(app, actor))
    return visit_form(form, chain_or_empty(app, actor, account.id), actor.locale)
