"""A ``/visit`` form from the form process's side (``forms.builder``): who the rep is, the form the
shared parser prefills, and the ``views.update`` that puts it in place of the light modal.

Sending it from there spares the serving process the form's JSON and its HTTP call, as finding
the rep spares it the queries (and, on a first contact, Slack's ``users.info``). Run in a thread
of the serving process instead (the form process is being replaced), the form is returned for
the caller to send, and a rep not met yet is left to the caller.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack import NAME, modals
from kam_bot.adapters.slack.forms import builder
from kam_bot.adapters.slack.retry import make_client
from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.adapters.slack.users import SlackUsers
from kam_bot.domain.models import User
from kam_bot.handlers.answers import Capture
from kam_bot.handlers.dispatch import dispatch
from kam_bot.handlers.prefill import VisitPrefill
from kam_bot.handlers.verbs import ChatServices, Surface
from kam_bot.services.users import CHOSEN

SURFACE = Surface(name=NAME, forms=True, help_lines=("help.slack.commands",))


def visit_form(app: ChatServices, actor: User, line: str, channel: str | None) -> dict[str, Any]:
    """``/visit`` and what was typed after it: the form the shared parser prefills."""
    if not line.split(" ", 1)[1:]:  # nothing typed to read: the empty form (what the parser would lead to)
        return modals.visit_view(app, actor, VisitPrefill(text=""), channel)
    said = dispatch(app, line, actor, SURFACE)
    assert isinstance(said, Capture) and isinstance(said.prefill, VisitPrefill)
    return modals.visit_view(app, actor, said.prefill, channel)


@dataclass(frozen=True)
class Shown:
    """What the form process did: the rep it read, and the form when the caller sends it."""

    actor: User
    view: dict[str, Any] | None


def show_visit_form(
    app: ChatServices,
    who: User | int | str,
    slack: SlackSettings,
    line: str,
    channel: str | None,
    view_id: str,
) -> Shown | None:
    """Build the form for ``who`` (the rep, their user id, or their Slack id) and put it on
    screen; None, in a thread of the serving process, for a rep met there first (the caller
    asks Slack who they are, then calls again with the rep)."""
    actor = _actor(app, who, slack)
    if actor is None:
        return None
    view = visit_form(app, actor, line, channel)
    if not builder.in_form_process():
        return Shown(actor, view)
    _Sender.get(slack).update(view_id, view)
    return Shown(actor, None)


def _actor(app: ChatServices, who: User | int | str, slack: SlackSettings) -> User | None:
    if isinstance(who, User):
        return who
    if isinstance(who, int):
        return app.users.get(who)
    if builder.in_form_process():  # as the serving process would: Slack's profile on first contact
        return _Sender.get(slack).actor(app, who)
    known = app.users.by_identity(NAME, who)
    return known if known is not None and set(known.chosen) >= CHOSEN else None


class _Sender:
    """The form process's Slack client, on an event loop of its own kept between forms (one
    kept-alive connection; the client retries as the serving process's does), and who is who
    there (``SlackUsers``: each person's profile asked once per process)."""

    _one: _Sender | None = None
    _lock = threading.Lock()

    def __init__(self, slack: SlackSettings) -> None:
        self.loop = asyncio.new_event_loop()
        self.client: AsyncWebClient = make_client(slack)
        self.users: SlackUsers | None = None

    def actor(self, app: ChatServices, slack_id: str) -> User:
        if self.users is None:
            self.users = SlackUsers(app)
        return self.loop.run_until_complete(self.users.actor(self.client, slack_id))

    @classmethod
    def get(cls, slack: SlackSettings) -> _Sender:
        with cls._lock:
            if cls._one is None:
                cls._one = cls(slack)
            return cls._one

    def update(self, view_id: str, view: dict[str, Any]) -> None:
        self.loop.run_until_complete(self.client.views_update(view_id=view_id, view=view))
