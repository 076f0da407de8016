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
from kam_bot.handlers.forms import cards as card_forms
from kam_bot.handlers.forms import entries
from kam_bot.handlers.forms.submit import (
    Claim,
    Saved,
    submitted_values,
)
from kam_bot.handlers.forms.visit import FORM_ID
from kam_bot.handlers.replies import Reply

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
    result = card_forms.save_visit(app, actor, submitted_values(app, inputs), key or None, shown_for)
    return _drawn_form(app, actor, result, key)


def save_entry(app: FeishuServices, actor: User, form_id: str, inputs: dict[str, Any], key: str) -> Outcome:
    values = submitted_values(app, inputs)
    return _drawn_form(
        app, actor, card_forms.save_entry(app, actor, form_id, values, Claim(CARD_CLAIMS, key)), key
    )


def _drawn_form(app: FeishuServices, actor: User, result: Saved | card_forms.FormAgain, key: str) -> Outcome:
    loc = actor.locale
    if isinstance(result, Saved):
        return Outcome(reply_card(result.reply, loc), result.reply)
    if result.form.id == FORM_ID:  # the visit form's account select lists the rep's accounts
        again = {SUBMISSION: key, "shown_for": result.shown_for}
        return Outcome(
            form_card(
                result.form, loc, errors=result.errors, data=again, accounts=account_options(app, actor)
            )
        )
    return Outcome(form_card(result.form, loc, errors=result.errors, data={SUBMISSION: key}))


def _visit_for_account(app: FeishuServices, actor: User, account_id: int) -> Card:
    form = card_forms.new_visit(app, actor, account_id)
    if isinstance(form, Reply):
        return reply_card(form, actor.locale)
    data = {SUBMISSION: new_key(), "shown_for": str(account_id)}
    return form_card(form, actor.locale, data=data, accounts=account_options(app, actor))


def _drawn(app: FeishuServices, actor: User, done: pressed.Press) -> Outcome:
    """The press drawn as cards: the pressed card in place, what it opened posted after it."""
    form = _visit_for_account(app, actor, done.visit_for) if done.visit_for is not None else None
    if done.shown is None:
        assert form is not None, "only a new visit form takes the pressed card's place"
        return Outcome(form)
    follow_up = Answer(done.follow_up) if done.follow_up else Answer(card=form) if form else None
    return Outcome(reply_card(done.shown, actor.locale), done.shown, follow_up=follow_up)


def stored_reply(app: FeishuServices, message_id: str | None) -> Reply | None:
    return pressed.stored(app.conversation_refs, NAME, message_id)


def remember_card(app: FeishuServices, message_id: str | None, reply: Reply | None) -> None:
    """Keep a sent card's reply when it has buttons, for in-place updates later."""
    pressed.remember(app.conversation_refs, NAME, message_id, reply)
