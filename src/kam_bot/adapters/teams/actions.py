"""Card buttons (``Action.Execute`` verbs): what they do, and the card shown in place afterwards.

A button on a card that lists several promises changes only its own row: the card's neutral
reply is kept when it is sent (``sent_cards``), and the pressed row's buttons become what
happened ("✅ Done by Alex"). Buttons that open something (an account, a new visit) leave the
card as it was and post the new card below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards.core import AdaptiveCard

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

from .cards import reply_card
from .commands import Answer, new_key
from .deps import TeamsServices
from .forms import SUBMISSION, SUBMIT_VERB, form_card, submission_key
from .identity import PLATFORM


@dataclass
class Outcome:
    """The card to show in place of the pressed one, and maybe a new message to post after it."""

    card: AdaptiveCard
    reply: Reply | None = None
    """The neutral reply ``card`` shows, kept when it has buttons."""
    follow_up: Answer | None = None


def handle(
    app: TeamsServices, actor: User, verb: str, data: dict[str, Any], message_id: str | None
) -> Outcome:
    """One button press (runs in a worker thread)."""
    value = str(data.get("value") or "")
    if verb == SUBMIT_VERB:
        return submit(app, actor, data)
    done = pressed.press(app, app.conversation_refs, PLATFORM, actor, verb, value, message_id)
    return _drawn(app, actor, done)


def submit(app: TeamsServices, actor: User, data: dict[str, Any]) -> Outcome:
    """A form's Save: the neutral form read back from the inputs, checked, saved once per key."""
    form_id = str(data.get("form") or "")
    if form_id == FORM_ID:
        return save_visit(app, actor, data)
    if form_id in entries.ENTRY_FORMS:
        return save_entry(app, actor, form_id, data)
    reply = pressed.expired(actor)
    return Outcome(reply_card(reply, actor.locale), reply)


def save_visit(app: TeamsServices, actor: User, data: dict[str, Any]) -> Outcome:
    """The visit form's Save: saved once per submission key, or the card back with what to fix."""
    loc = actor.locale
    key = submission_key(data) or None
    form = VisitForm.from_values(submitted_values(app, data))
    contacts = chain_or_empty(app, actor, form.account[0]) if form.account else []
    if form.account and str(form.account[0]) != str(data.get("shown_for") or ""):
        form.follow_account(contacts)  # another account was picked: its decision chain, by name
    result = submit_visit(app, actor, form, key)
    if isinstance(result, Saved):
        return Outcome(reply_card(result.reply, loc), result.reply)
    shown_for = str(form.account[0]) if form.account else ""
    definition = visit_form(form.with_blanks(), contacts, loc)
    again = {SUBMISSION: key or "", "shown_for": shown_for}
    return Outcome(form_card(definition, loc, errors=result.errors, data=again))


def save_entry(app: TeamsServices, actor: User, form_id: str, data: dict[str, Any]) -> Outcome:
    """A quick entry's form: checked, claimed by its key (a double click saves once), saved."""
    loc = actor.locale
    key = submission_key(data)
    values = submitted_values(app, data)
    result = submit_entry(app, actor, form_id, values, Claim(CARD_CLAIMS, key))
    if isinstance(result, Saved):
        return Outcome(reply_card(result.reply, loc), result.reply)
    definition = entries.ENTRY_FORMS[form_id](values, loc)
    return Outcome(form_card(definition, loc, errors=result.errors, data={SUBMISSION: key}))


def _visit_for_account(app: TeamsServices, actor: User, account_id: int) -> AdaptiveCard:
    loc = actor.locale
    try:
        account = app.accounts.live(account_id)
    except ServiceError as exc:
        return reply_card(error_reply(exc, loc), loc)
    form = VisitForm.blank((account.id, account.name), today_for(app, actor))
    definition = visit_form(form, chain_or_empty(app, actor, account.id), loc)
    return form_card(definition, loc, data={SUBMISSION: new_key(), "shown_for": str(account.id)})


CARD_CLAIMS = "teams_card"


def _drawn(app: TeamsServices, actor: User, done: pressed.Press) -> Outcome:
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


def stored_reply(app: TeamsServices, message_id: str | None) -> Reply | None:
    return pressed.stored(app.conversation_refs, PLATFORM, message_id)


def remember_card(app: TeamsServices, message_id: str | None, reply: Reply | None) -> None:
    """Keep a sent card's reply when it has buttons, for in-place updates later."""
    pressed.remember(app.conversation_refs, PLATFORM, message_id, reply)
