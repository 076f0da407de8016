"""Bolt's one global error handler: the person hears what went wrong in plain words, the log
gets the details.

Listeners handle what a user can fix (validation errors on the exact input, unknown
accounts); anything that escapes them lands here. The message goes ephemerally through the
request's ``response_url`` when it has one, else by DM; a failed slash command repeats what
was typed so nothing is lost. Events and type-ahead requests are only logged.

It acts only on a request whose authenticity was established (the HTTP route verified its
signature, or it came over the Socket Mode connection): Bolt also calls it when its own
signature check raises, and the body is then anyone's, ``response_url`` and user id included.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.inbound import VERIFIED
from kam_bot.adapters.slack import answers
from kam_bot.adapters.slack.blocks import escape
from kam_bot.adapters.slack.users import SlackUsers
from kam_bot.domain.enums import Locale
from kam_bot.handlers.render import error_reply
from kam_bot.i18n import t
from kam_bot.logs import OncePer, outage_kind
from kam_bot.services.errors import ServiceError

EXCHANGED_TRIGGER = frozenset({"exchanged_trigger_id", "trigger_exchanged"})
"""Slack's answer to a second ``views.open`` or ``views.push`` with one trigger (their reference)."""
TRIGGER_ERRORS = EXCHANGED_TRIGGER | {"trigger_expired", "expired_trigger_id", "invalid_trigger_id"}
SILENT_TYPES = frozenset({"event_callback", "block_suggestion"})
log = logging.getLogger(__name__)
"""Ours, not Bolt's app logger (which takes the root's level once, at start)."""


def slack_error_code(error: SlackApiError) -> str:
    return answers.error_code(error) or "unknown"


def plain_words(error: BaseException, loc: Locale) -> str:
    """What happened, for the person who clicked."""
    if isinstance(error, ServiceError):
        return error_reply(error, loc).plain_text()
    if isinstance(error, SlackApiError):
        code = slack_error_code(error)
        if code in TRIGGER_ERRORS:
            return t("slack.error.trigger_expired", loc)
        if code == "ratelimited":
            return t("slack.error.busy", loc)
        if code in {"not_in_channel", "channel_not_found", "is_archived"}:
            return t("slack.error.not_in_channel", loc)
        return t("slack.error.slack", loc, code=code)
    return t("slack.error.unexpected", loc)


def user_id_of(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return str(user.get("id")) if user.get("id") else None
    if isinstance(user, str):
        return user
    event = body.get("event") or {}
    return body.get("user_id") or (str(event["user"]) if isinstance(event.get("user"), str) else None)


def what_of(body: dict[str, Any]) -> str:
    """A short name of the request for the log: ``/visit``, ``block_actions promise.done:3``, ..."""
    if body.get("command"):
        return str(body["command"])
    kind = str(body.get("type") or "?")
    if kind == "block_actions":
        return f"{kind} {','.join(str(a.get('action_id')) for a in body.get('actions') or [])}"
    if kind in {"view_submission", "view_closed"}:
        return f"{kind} {(body.get('view') or {}).get('callback_id')}"
    if kind == "event_callback":
        return f"event {(body.get('event') or {}).get('type')}"
    return f"{kind} {body.get('callback_id') or body.get('action_id') or ''}".strip()


def typed_text(body: dict[str, Any]) -> str | None:
    if body.get("command"):
        return f"{body['command']} {body.get('text') or ''}".strip()
    return None


def authentic(request: AsyncBoltRequest) -> bool:
    return request.mode == "socket_mode" or request.context.get(VERIFIED) is True


OUTAGE_LOG = OncePer(60.0)
"""An outage fails every request the same way: one line per kind of failure a minute."""


def log_failure(
    logger: logging.Logger, what: str, slack_id: str | None, team: str | None, error: Exception
) -> None:
    """A refusal the person was told about (no access, bad input): one INFO line. A database
    outage: one line per kind a minute, no traceback. Anything else: an ERROR with its traceback."""
    if isinstance(error, ServiceError):
        logger.info("Slack %s refused for %s (team %s): %s", what, slack_id, team, error.message)
        return
    if (outage := outage_kind(error)) is not None:
        OUTAGE_LOG.log(logger, logging.ERROR, outage, "Slack requests failing: %s (%s, %s)", outage, what,
                       type(error).__name__)  # fmt: skip
        return
    logger.error("Slack %s failed for %s (team %s): %r", what, slack_id, team, error, exc_info=error)


def register(bolt: AsyncApp, users: SlackUsers) -> None:
    async def on_error(
        error: Exception,
        body: dict[str, Any],
        request: AsyncBoltRequest,
        logger: logging.Logger,
        respond: AsyncRespond | None,
        client: AsyncWebClient,
    ) -> None:
        if not authentic(request):
            logger.warning("Ignored an unverified Slack request that failed: %s", type(error).__name__)
            return
        slack_id = user_id_of(body)
        what = what_of(body)
        log_failure(log, what, slack_id, body.get("team_id") or (body.get("team") or {}).get("id"), error)
        if body.get("type") in SILENT_TYPES:
            return
        loc = users.locale_hint(slack_id)
        text = escape(plain_words(error, loc))
        typed = typed_text(body)
        if typed:
            text += f"\n{escape(t('slack.error.you_typed', loc))}\n```{escape(typed)}```"
        try:
            if respond is not None and respond.response_url:
                await respond(text=text, response_type="ephemeral", replace_original=False)
            elif slack_id:
                await client.chat_postMessage(channel=slack_id, text=text)
        except Exception:
            logger.exception("Could not tell %s that %s failed", slack_id, what)

    bolt.error(on_error)
