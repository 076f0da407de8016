"""A card's button pressed (``template_card_event``): what it does, and what the card then says.

The button's key is ``action_id|value`` (``promise.done|12``), set when the card was built, so
no card needs to be remembered; WeCom signs the event, and the key is still checked like any
input (a known action, a number). Done / Snooze / Reopen / Cancel / Undo change the card's
buttons into one line of what was done (``update_template_card``); Save / Edit / Cancel answer
the open draft as the typed words would; Open posts the account card below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kam_bot.domain.models import User
from kam_bot.handlers.chat import TextChat
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.conversation import Turn
from kam_bot.handlers.replies import Reply
from kam_bot.handlers.verbs import ChatServices
from kam_bot.i18n import format_date, t
from kam_bot.services.errors import ServiceError

from .render import SEPARATOR

PROMISE = re.compile(r"^promise\.(done|reopen|cancel|snooze_(1|3|7))$")
UNDO = re.compile(r"^undo\.(price|stock|visit)$")
DRAFT = {"draft.save": "yes", "draft.edit": "edit", "draft.cancel": "no"}


@dataclass(frozen=True)
class Pressed:
    replace: str
    """What the card's buttons become."""
    turn: Turn | None = None
    """What to post after it (None: the card says it all)."""


def press(app: ChatServices, chat: TextChat, actor: User, key: str) -> Pressed:
    """One button press (runs in a worker thread: it reads and writes the database)."""
    loc = actor.locale
    action, _, value = key.partition(SEPARATOR)
    commands = Commands(app)
    if action in DRAFT:
        return Pressed(t("wecom.outcome.answered", loc), chat.handle(actor, DRAFT[action]))
    if not value.isdigit() or len(value) > 18:
        return _expired(actor)
    number = int(value)
    if match := PROMISE.match(action):
        verb, days = match.group(1), match.group(2)
        reply = commands.promise_action(
            actor, "snooze" if days else verb, number, int(days) if days else None
        )
        if not reply.ok:
            return Pressed(t("wecom.outcome.failed", loc), Turn(reply=reply))
        return Pressed(_outcome(app, actor, verb, number))
    if match := UNDO.match(action):
        reply = commands.undo(actor, match.group(1), number)
        outcome = "wecom.outcome.undone" if reply.ok else "wecom.outcome.failed"
        return Pressed(t(outcome, loc), Turn(reply=reply))
    if action == "account.open":
        return Pressed(t("wecom.outcome.opened", loc), Turn(reply=commands.account_by_id(actor, number)))
    if action == "visit.start":
        try:
            name = app.accounts.live(number).name
        except ServiceError:
            return _expired(actor)
        return Pressed(
            t("wecom.outcome.opened", loc), Turn(reply=Reply.text(t("wecom.visit_how", loc, account=name)))
        )
    return _expired(actor)


def _expired(actor: User) -> Pressed:
    loc = actor.locale
    return Pressed(
        t("wecom.outcome.failed", loc), Turn(reply=Reply.text(t("wecom.card_expired", loc), ok=False))
    )


def _outcome(app: ChatServices, actor: User, verb: str, promise_id: int) -> str:
    loc = actor.locale
    if verb.startswith("snooze"):
        promise = app.promises.get(actor, promise_id)
        day = format_date(promise.snoozed_until, loc) if promise.snoozed_until else ""
        return t("wecom.outcome.snoozed", loc, date=day)
    return t(f"wecom.outcome.{verb}", loc)
