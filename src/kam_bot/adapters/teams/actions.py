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
from kam_bot.handlers.forms import cards as card_forms
from kam_bot.handlers.forms import entries
from kam_bot.handlers.forms.submit import (
    Claim,
    Saved,
    submitted_values,
)
from kam_bot.handlers.forms.visit import FORM_ID
from kam_bot.handlers.replies import Reply

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
    key = submission_key(data) or None
    values = submitted_values(app, data)
    return _drawn_form(
        card_forms.save_visit(app, actor, values, key, str(data.get("shown_for") or "")), actor, key
    )


def save_entry(app: TeamsServices, actor: User, form_id: str, data: dict[str, Any]) -> Outcome:
    """A quick entry's form: checked, claimed by its key (a double click saves once), saved."""
    key = submission_key(data)
    values = submitted_values(app, data)
    return _drawn_form(
        card_forms.save_entry(app, actor, form_id, values, Claim(CARD_CLAIMS, key)), actor, key
    )


def _drawn_form(result: Saved | card_forms.FormAgain, actor: User, key: str | None) -> Outcome:
    loc = actor.locale
    if isinstance(result, Saved):
        return Outcome(reply_card(result.reply, loc), result.reply)
    again = {SUBMISSION: key or "", "shown_for": result.shown_for}
    return Outcome(form_card(result.form, loc, errors=result.errors, data=again))


def _visit_for_account(app: TeamsServices, actor: User, account_id: int) -> AdaptiveCard:
    form = card_forms.new_visit(app, actor, account_id)
    if isinstance(form, Reply):
        return reply_card(form, actor.locale)
    return form_card(form, actor.locale, data={SUBMISSION: new_key(), "shown_for": str(account_id)})


CARD_CLAIMS = "teams_card"


def _drawn(app: TeamsServices, actor: User, done: pressed.Press) -> Outcome:
    """The press drawn as cards: the pressed card in place, what it opened posted after it."""
    form = _visit_for_account(app, actor, done.visit_for) if done.visit_for is not None else None
    if done.shown is None:
        assert form is not None, "only a new visit form takes the pressed card's place"
        return Outcome(form)
    follow_up = Answer(done.follow_up) if done.follow_up else Answer(card=form) if form else None
    return Outcome(reply_card(done.shown, actor.locale), done.shown, follow_up=follow_up)


def stored_reply(app: TeamsServices, message_id: str | None) -> Reply | None:
    return pressed.stored(app.conversation_refs, PLATFORM, message_id)


def remember_card(app: TeamsServices, message_id: str | None, reply: Reply | None) -> None:
    """Keep a sent card's reply when it has buttons, for in-place updates later."""
    pressed.remember(app.conversation_refs, PLATFORM, message_id, reply)
