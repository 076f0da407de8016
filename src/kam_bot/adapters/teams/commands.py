"""Typed commands in the personal chat: the console's words, answered by the shared handlers.

``visit …`` answers with the visit form card; ``promise …``, ``price …`` and ``stock …`` save
at once when the line is complete and unambiguous (the reply has Undo) and otherwise say what
was understood and what to add, with the typed line shown back; the rest are replies.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from microsoft_teams.cards.core import AdaptiveCard

from kam_bot.bootstrap import App
from kam_bot.domain.models import User
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.describe import describe
from kam_bot.handlers.prefill import (
    Prefill,
    prefill_price,
    prefill_promise,
    prefill_stock,
    prefill_visit,
    today_for,
)
from kam_bot.handlers.replies import Line, Reply, Section, user
from kam_bot.i18n import t

from .visit_card import VisitCard

P = TypeVar("P", bound=Prefill)

VISIT = {"visit", "拜访"}
PROMISE = {"promise", "承诺"}
PRICE = {"price", "价格"}
STOCK = {"stock", "库存"}
ACCOUNT = {"account", "客户"}
HELP = {"help", "kam", "?", "帮助"}
PROMISE_ACTIONS = {"done", "reopen", "cancel", "snooze"}
MAX_VISIT_LINE = 8000
"""Characters of a visit line that fit a card (the form and the line itself in Save's data)."""


@dataclass
class Answer:
    """What to post: a neutral reply (rendered as a card) or a ready card (the visit form)."""

    reply: Reply | None = None
    card: AdaptiveCard | None = None


def strip_mention(text: str) -> str:
    """Teams puts ``<at>kam-bot</at>`` in front of a message that mentions the bot; drop that one."""
    text = text.strip()
    if text.startswith("<at>") and "</at>" in text:
        text = text[text.index("</at>") + len("</at>") :]
    return text.strip()


def answer(app: App, actor: User, text: str) -> Answer:
    """The answer to one typed line (runs in a worker thread: it reads and writes the database)."""
    commands = Commands(app)
    line = strip_mention(text)
    word, _, rest = line.lstrip("/").partition(" ")
    command, rest = word.lower(), rest.strip()
    loc = actor.locale
    if command in VISIT:
        if not rest:
            return Answer(Reply.text(t("account.missing", loc), ok=False))
        if len(rest) > MAX_VISIT_LINE:
            return Answer(Reply.text(t("teams.visit.too_long", loc, count=len(rest)), line, ok=False))
        prefill = prefill_visit(app, actor, rest)
        card = VisitCard.from_prefill(prefill, uuid.uuid4().hex, today_for(app, actor), loc)
        return Answer(card=card.card(loc))
    if command in PROMISE:
        return Answer(_entry(app, actor, line, prefill_promise(app, actor, rest), commands.save_promise))
    if command in PRICE:
        return Answer(_entry(app, actor, line, prefill_price(app, actor, rest), commands.save_price))
    if command in STOCK:
        return Answer(_entry(app, actor, line, prefill_stock(app, actor, rest), commands.save_stock))
    if command in ACCOUNT:
        if rest.startswith("#") and rest[1:].isdigit():
            return Answer(commands.account_by_id(actor, int(rest[1:])))
        return Answer(commands.account(actor, rest))
    if command == "promises":
        return Answer(commands.my_promises(actor))
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


def _entry(app: App, actor: User, line: str, prefill: P, save: Callable[[User, P], Reply]) -> Reply:
    """Save a complete quick entry at once (its reply carries Undo); otherwise say what is missing."""
    prefill.text = line
    if prefill.ready:
        reply = save(actor, prefill)
        if reply.ok:
            return reply
        return _keep_typed(reply, line, actor)
    understood = describe(prefill, actor.locale, today_for(app, actor))
    return _keep_typed(understood.model_copy(update={"ok": False}), line, actor)


def _keep_typed(reply: Reply, line: str, actor: User) -> Reply:
    """The reply with the typed line under it, to copy, fix and send again: nothing typed is lost."""
    typed = Section(lines=[Line.of(user(t("teams.visit.typed", actor.locale, text=line)))])
    return reply.model_copy(update={"sections": [*reply.sections, typed]})
