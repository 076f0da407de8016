"""Card buttons (``Action.Execute`` verbs): what they do, and the card shown in place afterwards.

A button on a card that lists several promises changes only its own row: the card's neutral
reply is kept when it is sent (``sent_cards``), and the pressed row's buttons become what
happened ("✅ Done by Alex"). Buttons that open something (an account, a new visit) leave the
card as it was and post the new card below it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards.core import AdaptiveCard

from kam_bot.bootstrap import App
from kam_bot.domain.models import Account, User
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.prefill import _listed_currency, attach_account, prefill_visit, today_for
from kam_bot.handlers.replies import Action, Line, Reply, Section
from kam_bot.i18n import format_date, t

from .cards import reply_card
from .commands import Answer
from .identity import PLATFORM
from .visit_card import SAVE_VERB, VisitCard

PROMISE = re.compile(r"^promise\.(done|reopen|cancel|snooze_(1|3|7))$")
UNDO = re.compile(r"^undo\.(price|stock)$")


@dataclass
class Outcome:
    """The card to show in place of the pressed one, and maybe a new message to post after it."""

    card: AdaptiveCard
    reply: Reply | None = None
    """The neutral reply ``card`` shows, kept when it has buttons."""
    follow_up: Answer | None = None


def handle(app: App, actor: User, verb: str, data: dict[str, Any], message_id: str | None) -> Outcome:
    """One button press (runs in a worker thread)."""
    loc = actor.locale
    commands = Commands(app)
    value = str(data.get("value") or "")
    if verb == SAVE_VERB:
        return save_visit(app, actor, data)
    if (match := PROMISE.match(verb)) and value.isdigit():
        action, days = match.group(1), match.group(2)
        reply = commands.promise_action(
            actor, "snooze" if days else action, int(value), int(days) if days else None
        )
        if not reply.ok:
            return _in_place(app, message_id, verb, value, reply.plain_text(), reply, loc)
        return _in_place(
            app, message_id, verb, value, _outcome_text(app, actor, action, int(value)), reply, loc
        )
    if (match := UNDO.match(verb)) and value.isdigit():
        reply = commands.undo(actor, match.group(1), int(value))
        outcome = t("teams.outcome.undone", loc, name=actor.display_name) if reply.ok else reply.plain_text()
        return _in_place(app, message_id, verb, value, outcome, reply, loc)
    if verb == "account.open" and value.isdigit():
        return _open(app, message_id, Answer(commands.account_by_id(actor, int(value))), loc)
    if verb == "visit.start" and value.isdigit():
        account = _account(app, int(value))
        if account is not None:
            card = VisitCard(text="", key=uuid.uuid4().hex, account=(account.id, account.name))
            card.visit_date = today_for(app, actor)
            return _open(app, message_id, Answer(card=card.card(loc)), loc)
    reply = Reply.text(t("teams.card_expired", loc), ok=False)
    return Outcome(reply_card(reply, loc), reply)


def save_visit(app: App, actor: User, data: dict[str, Any]) -> Outcome:
    """The visit card's Save: saved once per submission key, or the card back with what to fix."""
    loc = actor.locale
    today = today_for(app, actor)
    account_id = str(data.get("account") or "")
    account = _account(app, int(account_id)) if account_id.isdigit() else None
    form = VisitCard.from_inputs(data, account.name if account else None)
    if account is None:
        form.account = None
    prefill = prefill_visit(app, actor, form.text)
    prefill.text = form.text
    if not form.apply(prefill, today, loc) or account is None:
        return Outcome(form.card(loc))
    attach_account(app, actor, prefill, account)
    for price in prefill.draft.prices:
        if price.currency is None:
            price.currency = _listed_currency(app, price.product)
    reply = Commands(app).save_visit(actor, prefill, submission_key=form.key or None)
    if not reply.ok:
        form.notes = [line.plain for section in reply.sections for line in section.lines]
        return Outcome(form.card(loc))
    return Outcome(reply_card(reply, loc), reply)


def _account(app: App, account_id: int) -> Account | None:
    with app.uow() as uow:
        return uow.repo.get(Account, account_id)


def _outcome_text(app: App, actor: User, action: str, promise_id: int) -> str:
    loc, name = actor.locale, actor.display_name
    if action.startswith("snooze"):
        promise = app.promises.get(actor, promise_id)
        day = format_date(promise.snoozed_until, loc) if promise.snoozed_until else ""
        return t("teams.outcome.snoozed", loc, name=name, date=day)
    return t(f"teams.outcome.{action}", loc, name=name)


def stored_reply(app: App, message_id: str | None) -> Reply | None:
    if not message_id:
        return None
    content = app.conversation_refs.card(PLATFORM, message_id)
    return Reply.model_validate(content["reply"]) if content and "reply" in content else None


def remember_card(app: App, message_id: str | None, reply: Reply | None) -> None:
    """Keep a sent card's reply when it has buttons, for in-place updates later."""
    if message_id and reply is not None and _has_buttons(reply):
        app.conversation_refs.save_card(PLATFORM, message_id, {"reply": reply.model_dump(mode="json")})


def _has_buttons(reply: Reply) -> bool:
    return bool(reply.actions) or any(s.actions for s in reply.sections)


def _in_place(
    app: App, message_id: str | None, verb: str, value: str, outcome: str, reply: Reply, loc: Any
) -> Outcome:
    """The stored card with the pressed row replaced by ``outcome``; without one, ``reply`` itself."""
    shown = stored_reply(app, message_id)
    if shown is None:
        return Outcome(reply_card(reply, loc), reply)

    def pressed(a: Action) -> bool:
        return a.action_id == verb and a.value == value

    sections, found = [], False
    for section in shown.sections:
        if any(pressed(a) for a in section.actions):
            section = Section(
                title=section.title, lines=[*section.lines, Line.of(outcome)], more=section.more
            )
            found = True
        sections.append(section)
    if not found:  # a button of the whole card (Undo): what happened goes below, the buttons go
        sections.append(Section(lines=[Line.of(outcome)]))
    actions = [] if not found else [a for a in shown.actions if not pressed(a)]
    changed = shown.model_copy(update={"sections": sections, "actions": actions})
    remember_card(app, message_id, changed)
    return Outcome(reply_card(changed, loc), changed)


def _open(app: App, message_id: str | None, follow_up: Answer, loc: Any) -> Outcome:
    """Leave the pressed card as it is and post ``follow_up`` after it."""
    shown = stored_reply(app, message_id)
    if shown is None:
        if follow_up.card is not None:
            return Outcome(follow_up.card)
        assert follow_up.reply is not None
        return Outcome(reply_card(follow_up.reply, loc), follow_up.reply)
    return Outcome(reply_card(shown, loc), shown, follow_up=follow_up)
