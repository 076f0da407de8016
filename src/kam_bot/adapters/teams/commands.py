"""Typed commands in the personal chat: the console's words, answered by the shared handlers.

``visit …`` answers with the visit form (the neutral ``handlers.forms.visit`` definition as an
Adaptive Card) prefilled by the parser; ``promise …``, ``price …`` and ``stock …`` save at once
when the line is complete and unambiguous (the reply has Undo) and otherwise answer with their
short form, prefilled, what to fix marked; the rest are replies.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from microsoft_teams.api.activities.message.message import MessageActivity
from microsoft_teams.cards.core import AdaptiveCard

from kam_bot.domain.models import User
from kam_bot.handlers.answers import Capture
from kam_bot.handlers.capture import save_capture
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.dispatch import dispatch
from kam_bot.handlers.forms import entries
from kam_bot.handlers.forms.visit import VisitForm, visit_form
from kam_bot.handlers.prefill import PricePrefill, PromisePrefill, StockPrefill, VisitPrefill, today_for
from kam_bot.handlers.render import error_reply
from kam_bot.handlers.replies import Reply
from kam_bot.handlers.verbs import Surface
from kam_bot.i18n import t
from kam_bot.services.errors import ServiceError

from . import NAME, identity
from .deps import TeamsServices
from .forms import SUBMISSION, form_card

EntryPrefill = PromisePrefill | PricePrefill | StockPrefill

DIGEST = {"digest", "摘要", "周报"}
MAX_VISIT_LINE = 3000
"""The longest visit line a card takes: what the parser cannot place goes to the summary, a text
field of at most ``handlers.forms.model.TEXT_MAX`` characters; a longer line is shown back."""


@dataclass
class Answer:
    """What to post: a neutral reply (rendered as a card) or a ready card (a form)."""

    reply: Reply | None = None
    card: AdaptiveCard | None = None


def strip_mention(text: str) -> str:
    """Teams puts ``<at>kam-bot</at>`` in front of a message that mentions the bot; drop that one."""
    text = text.strip()
    if text.startswith("<at>") and "</at>" in text:
        text = text[text.index("</at>") + len("</at>") :]
    return text.strip()


def new_key() -> str:
    """A submission key: the card's Save carries it, so a double click saves once."""
    return uuid.uuid4().hex


def visit_card(app: TeamsServices, actor: User, prefill: VisitPrefill) -> AdaptiveCard:
    loc = actor.locale
    today = today_for(app, actor)
    if not prefill.text.strip():
        form, contacts, problems, error = VisitForm.blank(None, today), [], [], None
    else:
        form = VisitForm.from_prefill(prefill, today)
        contacts, problems, error = prefill.contacts, prefill.problems, prefill.account_error
    definition = visit_form(form, contacts, loc, problems=problems, account_error=error)
    shown_for = str(form.account[0]) if form.account else ""
    return form_card(definition, loc, data={SUBMISSION: new_key(), "shown_for": shown_for})


SURFACE = Surface(name="teams", forms=True)


def answer(app: TeamsServices, actor: User, text: str) -> Answer:
    """The answer to one typed line (runs in a worker thread: it reads and writes the database)."""
    line = strip_mention(text)
    word, _, rest = line.lstrip("/").partition(" ")
    verb = app.verbs.find(word) if word else None
    if verb is not None and verb.name == "visit" and len(rest) > MAX_VISIT_LINE:
        loc = actor.locale
        return Answer(Reply.text(t("teams.visit.too_long", loc, count=len(rest)), line, ok=False))
    said = dispatch(app, line, actor, SURFACE)
    if not isinstance(said, Capture):
        return Answer(said)
    if isinstance(said.prefill, VisitPrefill):
        return Answer(card=visit_card(app, actor, said.prefill))
    return _entry(actor, said.prefill, Commands(app))


def _entry(actor: User, prefill: EntryPrefill, commands: Commands) -> Answer:
    """Save a complete quick entry at once (its reply carries Undo); otherwise its form, prefilled."""
    if prefill.ready:
        reply = save_capture(commands, actor, prefill)
        if reply.ok:
            return Answer(reply)
    return Answer(card=entry_card(prefill, actor))


def entry_card(prefill: EntryPrefill, actor: User) -> AdaptiveCard:
    loc = actor.locale
    return form_card(entries.prefilled_form(prefill, loc), loc, data={SUBMISSION: new_key()})


def in_channel(app: TeamsServices, actor: User, activity: MessageActivity) -> Reply:
    """In a team channel only ``digest TEAM`` (an admin: this channel gets that team's weekly
    digest); everything else is done in the personal chat."""
    loc = actor.locale
    word, _, rest = strip_mention(activity.text or "").partition(" ")
    if word.lower() not in DIGEST or not rest.strip():
        return Reply.text(t("teams.personal_only", loc), t("teams.digest_here_how", loc))
    team = next((x for x in app.users.teams() if x.name.casefold() == rest.strip().casefold()), None)
    if team is None:
        names = ", ".join(x.name for x in app.users.teams())
        return Reply.text(t("teams.no_such_team", loc, name=rest.strip(), names=names), ok=False)
    try:
        identity.remember_channel(app, activity)
        app.users.set_team_destination(actor, team.id, NAME, activity.conversation.id)
    except ServiceError as exc:
        return error_reply(exc, loc)
    return Reply.text(t("teams.digest_here", loc, team=team.name))
