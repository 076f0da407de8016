"""What every listener needs, built once per Slack app: the application, who is who, the commands."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack.forms.builder import FormBuilder
from kam_bot.adapters.slack.home import publish_home
from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.adapters.slack.users import SlackUsers
from kam_bot.domain.models import User
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.verbs import ChatServices

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

HOME_DELAY = 2.0
"""Seconds a Home refresh waits after a person's last change: changes made meanwhile share it."""
HOME_MAX_DELAY = 10.0
"""Seconds at most between a person's first change not yet shown and the refresh showing it,
however closely further changes follow (a burst of saves is shown within this, then again
``HOME_DELAY`` after its last change)."""
HOME_CONCURRENCY = 1
"""Home refreshes running at once: they read a lot and yield to requests waiting on their 3 s."""
FORM_BUILDS = 2
"""Slash-command forms built at once per process (``forms.builder``: in its form process, or in
threads). A form is built after the light modal opened (``opening.FORM_WAIT``), so it has no
deadline of its own, while acknowledgements, repeat checks and light modals do (3 s): under a
burst, the forms beyond this wait their turn instead of taking the interpreter and the
database from them."""


@dataclass
class _Pending:
    client: AsyncWebClient
    user: User
    first: float
    last: float


class HomeRefresher:
    """Re-publishes a person's Home tab a little after their last change, off the request's path.

    Each refresh reads the Home tab's state when it starts, so the last change is always shown;
    changes made while one is being published schedule the next."""

    def __init__(
        self, forms: FormBuilder, delay: float = HOME_DELAY, max_delay: float = HOME_MAX_DELAY
    ) -> None:
        self._forms = forms
        self._delay = delay
        self._max_delay = max_delay
        self._pending: dict[str, _Pending] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._limit: asyncio.Semaphore | None = None

    def schedule(self, client: AsyncWebClient, slack_id: str, user: User) -> None:
        now = asyncio.get_running_loop().time()
        pending = self._pending.get(slack_id)
        if pending is not None:  # a refresh is waiting: it waits a little longer and shows this too
            pending.client, pending.user, pending.last = client, user, now
            return
        self._pending[slack_id] = _Pending(client, user, now, now)
        task = asyncio.ensure_future(self._later(slack_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _later(self, slack_id: str) -> None:
        loop = asyncio.get_running_loop()
        while True:
            pending = self._pending[slack_id]
            due = min(pending.last + self._delay, pending.first + self._max_delay)
            if (wait := due - loop.time()) <= 0:
                break
            await asyncio.sleep(wait)
        pending = self._pending.pop(slack_id)
        if self._limit is None:
            self._limit = asyncio.Semaphore(HOME_CONCURRENCY)
        async with self._limit:
            try:
                await publish_home(self._forms, pending.client, slack_id, pending.user)
            except Exception:  # a failure here never undoes the change
                log.exception("Could not refresh the Home tab of %s", slack_id)


@dataclass
class Registry:
    """What the listeners registered; the manifest test holds app.yaml against it."""

    commands: list[str] = field(default_factory=list)
    message_shortcuts: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


@dataclass
class Deps:
    app: ChatServices
    users: SlackUsers
    commands: Commands
    home: HomeRefresher
    forms: FormBuilder
    slack: SlackSettings
    registry: Registry = field(default_factory=Registry)
    form_builds: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(FORM_BUILDS))

    @classmethod
    def build(cls, app: ChatServices, slack: SlackSettings) -> Deps:
        forms = FormBuilder.for_app(app, in_process=not slack.form_process)
        users, home = SlackUsers(app), HomeRefresher(forms)
        return cls(app=app, users=users, commands=Commands(app), home=home, forms=forms, slack=slack)

    async def run(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run blocking work (SQL, parsing) in a worker thread so other requests keep their 3 s."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def actor(self, client: AsyncWebClient, slack_id: str) -> User:
        return await self.users.actor(client, slack_id)

    async def refresh_home(self, client: AsyncWebClient, slack_id: str, user: User) -> None:
        """Re-publish the Home tab after a change (``HOME_DELAY`` later, see ``HomeRefresher``)."""
        self.home.schedule(client, slack_id, user)
