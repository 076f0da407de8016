"""Card buttons (``card.action.trigger``): what they do, and the card shown in place afterwards.

Feishu shows the card the callback answers with in place of the pressed one. A button on a card
listing several promises changes only its own row: the card's neutral reply is kept when it is
sent (``remember_card``), and the pressed row gains what happened ("✅ Done by Rita"). Buttons
that open something (an account, a new visit) leave the card as it was and post the new card
after it (``follow_up``). A form's Save goes through ``handlers.forms.submit``: saved once per
submission key (a double click saves once), or the card back with every field to fix marked
and everything typed kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kam_bot.domain.models import User
from kam_bot.handlers import pressed
from kam_bot.handlers.forms import entries
from kam_bot.handlers.forms.submit import (
    Claim,
    Saved,
    chain_or_empty,
    submit_entry,
    submit_visit,
    submitted_values,
)
from kam_bot.handlers.forms.visit import FORM_ID, VisitForm, visit_form
from kam_bot.handlers.prefill import today_for
from kam_bot.handlers.render import error_reply
from kam_bot.handlers.replies import Reply
from kam_bot.services.errors import ServiceError

from . import NAME
from .cards import reply_card
from .commands import Answer, Card, account_options, new_key
from .deps import FeishuServices
from .forms import SUBMISSION, SUBMIT, field_ids, form_card

CARD_CLAIMS = "feishu_card"


@dataclass
class Outcome:
    """The card to show in place of the pressed one, and maybe a new message to post after it."""

    card: Card
    reply: Reply | None = None
    """The neutral reply ``card`` shows, kept when it has buttons."""
    follow_up: Answer | None = None


def handle(
    app: FeishuServices,
    actor: User,
    value: dict[str, Any],
    form_value: dict[str, Any] | None,
    message_id: str | None,
) -> Outcome:
    """One button press (runs in a worker thread)."""
    verb = str(value.get("action") or "")
    argument = str(value.get("value") or "")
    if verb == SUBMIT:
        return submit(app, actor, value, field_ids(form_value or {}))
    done = pressed.press(app, app.conversation_refs, NAME, actor, verb, argument, message_id)
    return _drawn(app, actor, done)


def submit(app: FeishuServices, actor: User, value: dict[str, Any], inputs: dict[str, Any]) -> Outcome:
    form_id = str(value.get("form") or "")
    key = str(value.get(SUBMISSION) or "")
    if form_id == FORM_ID:
        return save_visit(app, actor, inputs, key, str(value.get("shown_for") or ""))
    if form_id in entries.ENTRY_FORMS:
        return save_entry(app, actor, form_id, inputs, key)
    reply = pressed.expired(actor)
    return Outcome(reply_card(reply, actor.locale), reply)


def save_visit(app: FeishuServices, actor: User, inputs: dict[str, Any], key: str, shown_for: str) -> Outcome:
    loc = actor.locale
    form = VisitForm.from_values(submitted_values(app, inputs))
    contacts = chain_or_empty(app, actor, form.account[0]) if form.account else []
    if form.account and str(form.account[0]) != shown_for:
        form.follow_account(contacts)  # another account was picked: its decision chain, by name
    result = submit_visit(app, actor, form, key or None)
    if isinstance(result, Saved):
        return Outcome(reply_card(result.reply, loc), result.reply)
    again = {SUBMISSION: key, "shown_for": str(form.account[0]) if form.account else ""}
    definition = visit_form(form.with_blanks(), contacts, loc)
    accounts = account_options(app, actor)
    return Outcome(form_card(definition, loc, errors=result.errors, data=again, accounts=accounts))


def save_entry(app: FeishuServices, actor: User, form_id: str, inputs: dict[str, Any], key: str) -> Outcome:
    loc = actor.locale
    values = submitted_values(app, inputs)
    result = submit_entry(app, actor, form_id, values, Claim(CARD_CLAIMS, key))
    if isinstance(result, Saved):
        return Outcome(reply_card(result.reply, loc), result.reply)
    definition = entries.ENTRY_FORMS[form_id](values, loc)
    return Outcome(form_card(definition, loc, errors=result.errors, data={SUBMISSION: key}))


def _visit_for_account(app: FeishuServices, actor: User, account_id: int) -> Card:
    loc = actor.locale
    try:
        account = app.accounts.live(account_id)
    except ServiceError as exc:
        return reply_card(error_reply(exc, loc), loc)
    form = VisitForm.blank((account.id, account.name), today_for(app, actor))
    definition = visit_form(form, chain_or_empty(app, actor, account.id), loc)
    data = {SUBMISSION: new_key(), "shown_for": str(account.id)}
    return form_card(definition, loc, data=data, accounts=account_options(app, actor))


def _drawn(app: FeishuServices, actor: User, done: pressed.Press) -> Outcome:
    """The press drawn as cards: the pressed card in place, what it opened posted after it."""
    loc = actor.locale
    follow_up = None
    if done.follow_up is not None:
        follow_up = Answer(done.follow_up)
    elif done.visit_for is not None:
        follow_up = Answer(card=_visit_for_account(app, actor, done.visit_for))
    if done.shown is not None:
        return Outcome(reply_card(done.shown, loc), done.shown, follow_up=follow_up)
    assert follow_up is not None, "a press that shows nothing opens something"
    if follow_up.card is not None:
        return Outcome(follow_up.card)
    assert follow_up.reply is not None
    return Outcome(reply_card(follow_up.reply, loc), follow_up.reply)


def stored_reply(app: FeishuServices, message_id: str | None) -> Reply | None:
    return pressed.stored(app.conversation_refs, NAME, message_id)


def remember_card(app: FeishuServices, message_id: str | None, reply: Reply | None) -> None:
    """Keep a sent card's reply when it has buttons, for in-place updates later."""
    pressed.remember(app.conversation_refs, NAME, message_id, reply)
