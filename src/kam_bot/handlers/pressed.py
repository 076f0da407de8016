"""A card's button pressed: the card shown again with what happened, on any card platform.

A card listing several promises changes only the pressed row: the card's neutral reply is kept
when it is sent (``remember``), and the pressed row gains what happened ("✅ Done by Rita"). Each
card platform renders the result its own way (``press`` says what to show; the platform draws it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kam_bot.domain.models import User
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.replies import Action, Line, Reply, Section
from kam_bot.handlers.verbs import ChatServices
from kam_bot.i18n import format_date, t
from kam_bot.services.conversations import ConversationRefs

PROMISE = re.compile(r"^promise\.(done|reopen|cancel|snooze_(1|3|7))$")
UNDO = re.compile(r"^undo\.(price|stock|visit)$")


@dataclass(frozen=True)
class Press:
    """What a pressed button did: the card to show in its place, and what to post after it.

    What a button opens is posted after the card, or takes its place when nothing was kept of
    the pressed card (``shown`` None: the visit form for ``visit_for`` takes it). ``visit_for``:
    a new visit form for that account (each platform draws forms).
    """

    shown: Reply | None
    follow_up: Reply | None = None
    visit_for: int | None = None


def press(
    app: ChatServices,
    refs: ConversationRefs,
    platform: str,
    actor: User,
    verb: str,
    value: str,
    message_id: str | None,
) -> Press:
    """One card button (in a worker thread): a promise's Done/Snooze/…, Undo, open an account, log a visit."""
    commands, loc = Commands(app), actor.locale
    if (match := PROMISE.match(verb)) and value.isdigit():
        action, days = match.group(1), match.group(2)
        reply = commands.promise_action(
            actor, "snooze" if days else action, int(value), int(days) if days else None
        )
        said = outcome_text(app, actor, action, int(value)) if reply.ok else reply.plain_text()
        return Press(_in_place(refs, platform, message_id, verb, value, said, reply))
    if (match := UNDO.match(verb)) and value.isdigit():
        reply = commands.undo(actor, match.group(1), int(value))
        said = t("card.outcome.undone", loc, name=actor.display_name) if reply.ok else reply.plain_text()
        return Press(_in_place(refs, platform, message_id, verb, value, said, reply))
    if verb == "account.open" and value.isdigit():
        opened = commands.account_by_id(actor, int(value))
        shown = stored(refs, platform, message_id)
        return Press(opened) if shown is None else Press(shown, follow_up=opened)
    if verb == "visit.start" and value.isdigit():
        return Press(stored(refs, platform, message_id), visit_for=int(value))
    return Press(expired(actor))


def expired(actor: User) -> Reply:
    return Reply.text(t("card.expired", actor.locale), ok=False)


def outcome_text(app: ChatServices, actor: User, action: str, promise_id: int) -> str:
    """What happened, under the pressed row: "✅ Done by Alex", "💤 Snoozed until … by Alex"."""
    loc, name = actor.locale, actor.display_name
    if action.startswith("snooze"):
        promise = app.promises.get(actor, promise_id)
        day = format_date(promise.snoozed_until, loc) if promise.snoozed_until else ""
        return t("card.outcome.snoozed", loc, name=name, date=day)
    return t(f"card.outcome.{action}", loc, name=name)


def _in_place(
    refs: ConversationRefs,
    platform: str,
    message_id: str | None,
    verb: str,
    value: str,
    said: str,
    reply: Reply,
) -> Reply:
    """The kept card with what happened under the pressed row; without one, ``reply`` itself."""
    shown = stored(refs, platform, message_id)
    if shown is None:
        return reply
    changed = with_outcome(shown, verb, value, said)
    remember(refs, platform, message_id, changed)
    return changed


def has_buttons(reply: Reply) -> bool:
    return bool(reply.actions) or any(section.actions for section in reply.sections)


def stored(refs: ConversationRefs, platform: str, message_id: str | None) -> Reply | None:
    """The reply a sent card showed, if it was kept."""
    if not message_id:
        return None
    content = refs.card(platform, message_id)
    return Reply.model_validate(content["reply"]) if content and "reply" in content else None


def remember(refs: ConversationRefs, platform: str, message_id: str | None, reply: Reply | None) -> None:
    """Keep a sent card's reply when it has buttons, for in-place updates later."""
    if message_id and reply is not None and has_buttons(reply):
        refs.save_card(platform, message_id, {"reply": reply.model_dump(mode="json")})


def with_outcome(shown: Reply, action_id: str, value: str, said: str) -> Reply:
    """``shown`` with ``said`` under the pressed button's row, that row's buttons gone; a button
    of the whole card (Undo) puts ``said`` below and takes the card's buttons away."""

    def pressed(action: Action) -> bool:
        return action.action_id == action_id and action.value == value

    sections, found = [], False
    for section in shown.sections:
        if any(pressed(a) for a in section.actions):
            section = Section(title=section.title, lines=[*section.lines, Line.of(said)], more=section.more)
            found = True
        sections.append(section)
    if not found:
        sections.append(Section(lines=[Line.of(said)]))
    actions = [] if not found else [a for a in shown.actions if not pressed(a)]
    return shown.model_copy(update={"sections": sections, "actions": actions})
