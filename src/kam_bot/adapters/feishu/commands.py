"""Typed lines: the command language of every surface, answered by the shared handlers.

In the 1:1 chat ``visit …`` answers with the visit form as a card with real inputs, prefilled
by the parser; ``promise …``, ``price …`` and ``stock …`` save at once when the line is complete
(the reply has Undo) and otherwise answer with their short form, prefilled, what to fix
marked; the rest are replies. In a group chat only ``@kam-bot digest TEAM`` (an admin: the
group gets that team's weekly digest); the rest is done in the 1:1 chat.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

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

from . import NAME
from .deps import FeishuServices
from .forms import INPUT_MAX, SUBMISSION, form_card

EntryPrefill = PromisePrefill | PricePrefill | StockPrefill
Card = dict[str, Any]

SURFACE = Surface(name=NAME, forms=True)
DIGEST = {"digest", "摘要", "周报"}
MAX_VISIT_LINE = INPUT_MAX - 100
"""A longer visit line would not fit the summary input (1000 characters): it is shown back."""
_MENTION = re.compile(r"@_user_\d+|@_all")
"""Feishu writes mentions in a message's text as ``@_user_1`` placeholders (FD receive event)."""
ACCOUNT_OPTIONS = 99


@dataclass
class Answer:
    """What to post: a neutral reply (rendered as a card) or a ready card (a form)."""

    reply: Reply | None = None
    card: Card | None = None


def new_key() -> str:
    """A submission key: the card's Save carries it, so a double click saves once."""
    return uuid.uuid4().hex


def strip_mentions(text: str) -> str:
    return " ".join(_MENTION.sub(" ", text).split())


def account_options(app: FeishuServices, actor: User) -> list[tuple[str, str]]:
    rows = app.accounts.my_accounts(actor)[:ACCOUNT_OPTIONS]
    return [(str(account.id), account.name) for account, _, _ in rows]


def visit_card(app: FeishuServices, actor: User, prefill: VisitPrefill) -> Card:
    loc = actor.locale
    today = today_for(app, actor)
    if not prefill.text.strip():
        form, contacts, problems, error = VisitForm.blank(None, today), [], [], None
    else:
        form = VisitForm.from_prefill(prefill, today)
        contacts, problems, error = prefill.contacts, prefill.problems, prefill.account_error
    definition = visit_form(form, contacts, loc, problems=problems, account_error=error)
    shown_for = str(form.account[0]) if form.account else ""
    data = {SUBMISSION: new_key(), "shown_for": shown_for}
    return form_card(definition, loc, data=data, accounts=account_options(app, actor))


def answer(app: FeishuServices, actor: User, text: str) -> Answer:
    """The answer to one typed line in the 1:1 chat (runs in a worker thread)."""
    line = strip_mentions(text)
    word, _, rest = line.lstrip("/").partition(" ")
    verb = app.verbs.find(word) if word else None
    if verb is not None and verb.name == "visit" and len(rest) > MAX_VISIT_LINE:
        return Answer(Reply.text(t("feishu.visit.too_long", actor.locale, count=len(rest)), line, ok=False))
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


def entry_card(prefill: EntryPrefill, actor: User) -> Card:
    loc = actor.locale
    return form_card(entries.prefilled_form(prefill, loc), loc, data={SUBMISSION: new_key()})


def in_group(app: FeishuServices, actor: User, text: str, chat_id: str) -> Reply:
    """``@kam-bot digest TEAM`` in a group chat (an admin): the group gets that team's digest."""
    loc = actor.locale
    word, _, rest = strip_mentions(text).partition(" ")
    if word.lower() not in DIGEST or not rest.strip():
        return Reply.text(t("feishu.personal_only", loc), t("feishu.digest_here_how", loc))
    team = next((x for x in app.users.teams() if x.name.casefold() == rest.strip().casefold()), None)
    if team is None:
        names = ", ".join(x.name for x in app.users.teams())
        return Reply.text(t("feishu.no_such_team", loc, name=rest.strip(), names=names), ok=False)
    try:
        app.users.set_team_destination(actor, team.id, NAME, chat_id)
    except ServiceError as exc:
        return error_reply(exc, loc)
    return Reply.text(t("feishu.digest_here", loc, team=team.name))
