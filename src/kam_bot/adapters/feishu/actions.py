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

import re
from dataclasses import dataclass
from typing import Any

from kam_bot.domain.enums import Locale
from kam_bot.domain.models import User
from kam_bot.handlers import pressed
from kam_bot.handlers.commands import Commands
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
from kam_bot.i18n import format_date, t
from kam_bot.services.errors import ServiceError

from . import NAME
from .cards import reply_card
from .commands import Answer, Card, account_options, new_key
from .deps import FeishuServices
from .forms import SUBMISSION, SUBMIT, field_ids, form_card

PROMISE = re.compile(r"^promise\.(done|reopen|cancel|snooze_(1|3|7))$")
UNDO = re.compile(r"^undo\.(price|stock|visit)$")
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
    loc = actor.locale
    verb = str(value.get("action") or "")
    argument = str(value.get("value") or "")
    commands = Commands(app)
    if verb == SUBMIT:
        return submit(app, actor, value, field_ids(form_value or {}))
    if (match := PROMISE.match(verb)) and argument.isdigit():
        action, days = match.group(1), match.group(2)
        reply = commands.promise_action(
            actor, "snooze" if days else action, int(argument), int(days) if days else None
        )
        said = _outcome_text(app, actor, action, int(argument)) if reply.ok else reply.plain_text()
        return _in_place(app, message_id, verb, argument, said, reply, loc)
    if (match := UNDO.match(verb)) and argument.isdigit():
        reply = commands.undo(actor, match.group(1), int(argument))
        said = t("feishu.outcome.undone", loc, name=actor.display_name) if reply.ok else reply.plain_text()
        return _in_place(app, message_id, verb, argument, said, reply, loc)
    if verb == "account.open" and argument.isdigit():
        return _open(app, message_id, Answer(commands.account_by_id(actor, int(argument))), loc)
    if verb == "visit.start" and argument.isdigit():
        return _open(app, message_id, Answer(card=_visit_for_account(app, actor, int(argument))), loc)
    reply = Reply.text(t("feishu.card_expired", loc), ok=False)
    return Outcome(reply_card(reply, loc), reply)


def submit(app: FeishuServices, actor: User, value: dict[str, Any], inputs: dict[str, Any]) -> Outcome:
    form_id = str(value.get("form") or "")
    key = str(value.get(SUBMISSION) or "")
    if form_id == FORM_ID:
        return save_visit(app, actor, inputs, key, str(value.get("shown_for") or ""))
    if form_id in entries.ENTRY_FORMS:
        return save_entry(app, actor, form_id, inputs, key)
    reply = Reply.text(t("feishu.card_expired", actor.locale), ok=False)
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


def _outcome_text(app: FeishuServices, actor: User, action: str, promise_id: int) -> str:
    loc, name = actor.locale, actor.display_name
    if action.startswith("snooze"):
        promise = app.promises.get(actor, promise_id)
        day = format_date(promise.snoozed_until, loc) if promise.snoozed_until else ""
        return t("feishu.outcome.snoozed", loc, name=name, date=day)
    return t(f"feishu.outcome.{action}", loc, name=name)


def stored_reply(app: FeishuServices, message_id: str | None) -> Reply | None:
    return pressed.stored(app.conversation_refs, NAME, message_id)


def remember_card(app: FeishuServices, message_id: str | None, reply: Reply | None) -> None:
    """Keep a sent card's reply when it has buttons, for in-place updates later."""
    pressed.remember(app.conversation_refs, NAME, message_id, reply)


def _in_place(
    app: FeishuServices, message_id: str | None, verb: str, value: str, said: str, reply: Reply, loc: Locale
) -> Outcome:
    """The stored card with the pressed row's outcome added; without one, ``reply`` itself."""
    shown = stored_reply(app, message_id)
    if shown is None:
        return Outcome(reply_card(reply, loc), reply)
    changed = pressed.with_outcome(shown, verb, value, said)
    remember_card(app, message_id, changed)
    return Outcome(reply_card(changed, loc), changed)


def _open(app: FeishuServices, message_id: str | None, follow_up: Answer, loc: Locale) -> Outcome:
    """Leave the pressed card as it is and post ``follow_up`` after it."""
    shown = stored_reply(app, message_id)
    if shown is None:
        if follow_up.card is not None:
            return Outcome(follow_up.card)
        assert follow_up.reply is not None
        return Outcome(reply_card(follow_up.reply, loc), follow_up.reply)
    return Outcome(reply_card(shown, loc), shown, follow_up=follow_up)
