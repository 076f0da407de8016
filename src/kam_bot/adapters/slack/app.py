"""The Slack app: ``create_slack_app`` builds Bolt's ``AsyncApp`` with every feature registered.

Nothing is built at import time; tests and benchmarks pass their own client (pointed at a
fake Web API) and get the same app production runs.
"""

from __future__ import annotations

import logging
from functools import partial
from weakref import WeakKeyDictionary

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack import acks, body, dedup, errors
from kam_bot.adapters.slack.deps import Deps, Registry
from kam_bot.adapters.slack.listeners import actions, commands, events, options, shortcuts, views
from kam_bot.adapters.slack.listeners.commands import opens_visit_form
from kam_bot.adapters.slack.retry import make_client
from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.handlers.verbs import ChatServices

FEATURES = (commands, views, actions, options, shortcuts, events)

_deps: WeakKeyDictionary[AsyncApp, Deps] = WeakKeyDictionary()


def _token_unused(record: logging.LogRecord) -> bool:
    """Bolt reads ``SLACK_BOT_TOKEN`` itself and, given our client (which holds that same token),
    warns at every start that the token "will be unused": true, and nothing to act on."""
    return "`token` will be unused" not in record.getMessage()


def create_slack_app(
    app: ChatServices, settings: SlackSettings, *, client: AsyncWebClient | None = None
) -> AsyncApp:
    logging.getLogger("slack_bolt.AsyncApp").addFilter(_token_unused)
    body.install()
    bolt = AsyncApp(
        client=client or make_client(settings),
        signing_secret=settings.signing_secret or "",
        process_before_response=False,
    )
    deps = Deps.build(app, settings)
    errors.register(bolt, deps.users)
    acks.register(bolt, deps.users)  # first: its deadline counts the repeat check too
    dedup.register(bolt, app, partial(opens_visit_form, app))
    for feature in FEATURES:
        feature.register(bolt, deps)
    _deps[bolt] = deps
    return bolt


def registry_of(bolt: AsyncApp) -> Registry:
    """The commands, shortcuts and events ``bolt`` listens to (for the manifest check)."""
    return _deps[bolt].registry


def close_app(bolt: AsyncApp) -> None:
    """Stop what ``create_slack_app`` started besides Bolt: the form process."""
    deps = _deps.get(bolt)
    if deps is not None:
        deps.forms.close()
