"""Typed commands in the personal chat: the console's words, answered by the shared handlers.

``handlers.typed_line`` decides (a reply, or a form to show); here a form becomes an Adaptive
Card whose Save carries a submission key. In a team channel only ``digest TEAM``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from microsoft_teams.api.activities.message.message import MessageActivity
from microsoft_teams.cards.core import AdaptiveCard

from kam_bot.domain.models import User
from kam_bot.handlers.render import error_reply
from kam_bot.handlers.replies import Reply
from kam_bot.handlers.typed_line import CardSurface, answer_line
from kam_bot.handlers.verbs import Surface
from kam_bot.i18n import t
from kam_bot.services.errors import ServiceError

from . import NAME, identity
from .deps import TeamsServices
from .forms import SUBMISSION, form_card

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


SURFACE = Surface(name="teams", forms=True)
ON = CardSurface(SURFACE, MAX_VISIT_LINE, "teams.visit.too_long")


def answer(app: TeamsServices, actor: User, text: str) -> Answer:
    """The answer to one typed line (runs in a worker thread: it reads and writes the database)."""
    said = answer_line(app, actor, strip_mention(text), ON)
    if isinstance(said, Reply):
        return Answer(said)
    data = {SUBMISSION: new_key()}
    if said.shown_for is not None:
        data["shown_for"] = said.shown_for
    return Answer(card=form_card(said.form, actor.locale, data=data))


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
