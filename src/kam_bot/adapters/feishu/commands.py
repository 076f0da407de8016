"""Typed lines: the command language of every surface, answered by the shared handlers.

In the 1:1 chat ``handlers.typed_line`` decides (a reply, or a form to show); here a form
becomes a card with real inputs whose Save carries a submission key. In a group chat only
``@kam-bot digest TEAM`` (an admin: the group gets that team's weekly digest); the rest is done
in the 1:1 chat.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from kam_bot.domain.models import User
from kam_bot.handlers.render import error_reply
from kam_bot.handlers.replies import Reply
from kam_bot.handlers.typed_line import CardSurface, answer_line
from kam_bot.handlers.verbs import Surface
from kam_bot.i18n import t
from kam_bot.services.errors import ServiceError

from . import NAME
from .deps import FeishuServices
from .forms import INPUT_MAX, SUBMISSION, form_card

Card = dict[str, Any]

SURFACE = Surface(name=NAME, forms=True)
DIGEST = {"digest", "摘要", "周报"}
MAX_VISIT_LINE = INPUT_MAX - 100
"""A longer visit line would not fit the summary input (1000 characters): it is shown back."""
_MENTION = re.compile(r"@_user_\d+|@_all")
"""Feishu writes mentions in a message's text as ``@_user_1`` placeholders (FD receive event)."""
ACCOUNT_OPTIONS = 99
ON = CardSurface(SURFACE, MAX_VISIT_LINE, "feishu.visit.too_long")


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


def answer(app: FeishuServices, actor: User, text: str) -> Answer:
    """The answer to one typed line in the 1:1 chat (runs in a worker thread)."""
    said = answer_line(app, actor, strip_mentions(text), ON)
    if isinstance(said, Reply):
        return Answer(said)
    data = {SUBMISSION: new_key()}
    if said.shown_for is None:
        return Answer(card=form_card(said.form, actor.locale, data=data))
    data["shown_for"] = said.shown_for
    return Answer(card=form_card(said.form, actor.locale, data=data, accounts=account_options(app, actor)))


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
