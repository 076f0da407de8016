"""Typed commands in the personal chat: the console's words, answered by the shared handlers.

``visit …`` answers with the visit form (the neutral ``handlers.forms.visit`` definition as an
Adaptive Card) prefilled by the parser; ``promise …``, ``price …`` and ``stock …`` save at once
when the line is complete and unambiguous (the reply has Undo) and otherwise answer with their
short form, prefilled, what to fix marked; the rest are replies.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from microsoft_teams.api.activities.message.message import MessageActivity
from microsoft_teams.cards.core import AdaptiveCard

from kam_bot.domain.enums import Platform
from kam_bot.domain.models import User
from kam_bot.handlers.calendar import calendar
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.forms import entries
from kam_bot.handlers.forms.visit import VisitForm, visit_form
from kam_bot.handlers.prefill import (
    PricePrefill,
    PromisePrefill,
    StockPrefill,
    prefill_price,
    prefill_promise,
    prefill_stock,
    prefill_visit,
    today_for,
)
from kam_bot.handlers.render import error_reply
from kam_bot.handlers.replies import Reply
from kam_bot.handlers.team import team
from kam_bot.i18n import t
from kam_bot.services.errors import ServiceError

from . import identity
from .deps import TeamsServices
from .forms import form_card

EntryPrefill = PromisePrefill | PricePrefill | StockPrefill
P = TypeVar("P", PromisePrefill, PricePrefill, StockPrefill)

VISIT = {"visit", "拜访"}
PROMISE = {"promise", "承诺"}
PRICE = {"price", "价格"}
STOCK = {"stock", "库存"}
ACCOUNT = {"account", "客户"}
TODAY = {"today", "day", "今天"}
TEAM = {"team", "团队"}
ACCOUNTS = {"accounts", "客户列表"}
DIGEST = {"digest", "摘要"}
HELP = {"help", "kam", "?", "帮助"}
PROMISE_ACTIONS = {"done", "reopen", "cancel", "snooze"}
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


def visit_card(app: TeamsServices, actor: User, rest: str) -> AdaptiveCard:
    loc = actor.locale
    today = today_for(app, actor)
    if not rest.strip():
        form, contacts, problems, error = VisitForm.blank(None, today), [], [], None
    else:
        prefill = prefill_visit(app, actor, rest)
        form = VisitForm.from_prefill(prefill, today)
        contacts, problems, error = prefill.contacts, prefill.problems, prefill.account_error
    definition = visit_form(form, contacts, loc, problems=problems, account_error=error)
    shown_for = str(form.account[0]) if form.account else ""
    return form_card(definition, loc, data={"key": new_key(), "shown_for": shown_for})


def answer(app: TeamsServices, actor: User, text: str) -> Answer:
    """The answer to one typed line (runs in a worker thread: it reads and writes the database)."""
    commands = Commands(app)
    line = strip_mention(text)
    word, _, rest = line.lstrip("/").partition(" ")
    command, rest = word.lower(), rest.strip()
    loc = actor.locale
    if command in VISIT:
        if len(rest) > MAX_VISIT_LINE:
            return Answer(Reply.text(t("teams.visit.too_long", loc, count=len(rest)), line, ok=False))
        return Answer(card=visit_card(app, actor, rest))
    if command in PROMISE:
        return _entry(actor, prefill_promise(app, actor, rest), commands.save_promise)
    if command in PRICE:
        return _entry(actor, prefill_price(app, actor, rest), commands.save_price)
    if command in STOCK:
        return _entry(actor, prefill_stock(app, actor, rest), commands.save_stock)
    if command in ACCOUNT:
        if rest.startswith("#") and rest[1:].isdigit():
            return Answer(commands.account_by_id(actor, int(rest[1:])))
        return Answer(commands.account(actor, rest))
    if command == "promises":
        return Answer(commands.my_promises(actor))
    if command in TODAY:
        return Answer(commands.today(actor))
    if command in TEAM:
        return Answer(team(app, actor, rest))
    if command in {"calendar", "日历"}:
        return Answer(calendar(app, actor, rest))
    if command in ACCOUNTS:
        return Answer(commands.accounts(actor, rest))
    if command in PROMISE_ACTIONS:
        return Answer(_promise_action(commands, actor, command, rest))
    if command == "undo":
        args = rest.split()
        if len(args) == 2 and args[0] in {"price", "stock"} and args[1].isdigit():
            return Answer(commands.undo(actor, args[0], int(args[1])))
        return Answer(Reply.text(t("console.usage_undo", loc), ok=False))
    if command == "settings":
        return Answer(commands.settings(actor, rest))
    if command in HELP or not command:
        return Answer(commands.help(actor))
    return Answer(Reply.text(t("teams.unknown_command", loc, command=word[:40]), ok=False))


def _promise_action(commands: Commands, actor: User, action: str, rest: str) -> Reply:
    args = rest.replace("#", "").split()
    if not args or not args[0].isdigit() or (len(args) > 1 and not args[1].isdigit()):
        return Reply.text(t("teams.usage_promise", actor.locale, action=action), ok=False)
    days = int(args[1]) if len(args) > 1 else None
    return commands.promise_action(actor, action, int(args[0]), days)


def _entry(actor: User, prefill: P, save: Callable[[User, P], Reply]) -> Answer:
    """Save a complete quick entry at once (its reply carries Undo); otherwise its form, prefilled."""
    if prefill.ready:
        reply = save(actor, prefill)
        if reply.ok:
            return Answer(reply)
    return Answer(card=entry_card(prefill, actor))


def entry_card(prefill: EntryPrefill, actor: User) -> AdaptiveCard:
    loc = actor.locale
    problems, error = prefill.problems, prefill.account_error
    if isinstance(prefill, PromisePrefill):
        form = entries.PromiseForm.from_prefill(prefill)
        definition = entries.promise_form(form, loc, problems=problems, account_error=error)
    elif isinstance(prefill, PricePrefill):
        price = entries.PriceForm.from_prefill(prefill)
        definition = entries.price_form(price, loc, problems=problems, account_error=error)
    else:
        stock = entries.StockForm.from_prefill(prefill)
        definition = entries.stock_form(stock, loc, problems=problems, account_error=error)
    return form_card(definition, loc, data={"key": new_key()})


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
        app.users.set_team_destination(actor, team.id, Platform.TEAMS, activity.conversation.id)
    except ServiceError as exc:
        return error_reply(exc, loc)
    return Reply.text(t("teams.digest_here", loc, team=team.name))
