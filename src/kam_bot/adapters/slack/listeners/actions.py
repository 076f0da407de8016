"""Buttons (``block_actions``) wherever they are: messages, the Home tab, modals.

Button action ids carry their argument after a colon (``promise.done:42``, see
``blocks.button``) so that every button of a message is unique; they are matched by regex
and the argument read from ``value``. A button pressed in a message changes that message in
place (its row of buttons becomes what happened); the Home tab is refreshed after any change.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack import modals
from kam_bot.adapters.slack.delivery import dm_reply, respond_reply, update_pressed_message
from kam_bot.adapters.slack.deps import Deps
from kam_bot.adapters.slack.errors import slack_error_code
from kam_bot.adapters.slack.forms import visit
from kam_bot.adapters.slack.opening import open_view
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import User
from kam_bot.handlers import pressed
from kam_bot.handlers.replies import Reply
from kam_bot.i18n import t

PROMISE = re.compile(r"^promise\.(done|reopen|cancel|snooze_(1|3|7))(?::.*)?$")
UNDO = re.compile(r"^undo\.(price|stock|visit)(?::.*)?$")


def _button(name: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(name)}(?::.*)?$")


def _in_modal(body: dict[str, Any]) -> bool:
    """Pressed inside a modal (the Home tab is a view too, but nothing can be pushed onto it)."""
    return (body.get("view") or {}).get("type") == "modal"


def register(bolt: AsyncApp, deps: Deps) -> None:
    app = deps.app

    async def promise_button(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        slack_id = body["user"]["id"]
        actor = await deps.actor(client, slack_id)
        match = PROMISE.match(action["action_id"])
        assert match is not None
        verb, days = match.group(1), match.group(2)
        promise_id = button_id(action)
        reply = await deps.run(
            deps.commands.promise_action,
            actor,
            "snooze" if days else verb,
            promise_id,
            int(days) if days else None,
        )
        if not reply.ok:  # refused or gone: only the presser hears it, the message stays as it was
            await tell_presser(client, respond, slack_id, reply, actor.locale)
            return
        outcome = await deps.run(pressed.outcome_text, deps.app, actor, verb, promise_id)
        await update_pressed_message(body, client, respond, outcome, reply, actor.locale)
        await deps.refresh_home(client, slack_id, actor)

    async def undo_button(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        slack_id = body["user"]["id"]
        actor = await deps.actor(client, slack_id)
        match = UNDO.match(action["action_id"])
        assert match is not None
        reply = await deps.run(deps.commands.undo, actor, match.group(1), button_id(action))
        if not reply.ok:
            await tell_presser(client, respond, slack_id, reply, actor.locale)
            return
        outcome = t("card.outcome.undone", actor.locale, name=actor.display_name)
        await update_pressed_message(body, client, respond, outcome, reply, actor.locale)
        await deps.refresh_home(client, slack_id, actor)

    async def open_modal(
        body: dict[str, Any], client: AsyncWebClient, build: Callable[[User], dict[str, Any]]
    ) -> None:
        """Open a modal from a button: pushed on top when the button is itself in a modal."""
        slack_id = body["user"]["id"]

        async def view() -> dict[str, Any]:
            actor = await deps.actor(client, slack_id)
            return await deps.run(build, actor)

        await open_view(
            client, body["trigger_id"], view(), deps.users.locale_hint(slack_id), push=_in_modal(body)
        )

    def account_button(
        build: Callable[[User, int], dict[str, Any]],
    ) -> Callable[[AsyncAck, dict[str, Any], dict[str, Any], AsyncWebClient], Awaitable[None]]:
        """A button whose value is an account id: it opens the modal ``build(actor, account_id)``."""

        async def pressed(
            ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
        ) -> None:
            await ack()
            account_id = button_id(action)
            await open_modal(body, client, lambda actor: build(actor, account_id))

        return pressed

    account_open = account_button(lambda actor, account_id: modals.card(deps.commands, actor, account_id))
    visit_start = account_button(lambda actor, account_id: modals.visit_for_account(app, actor, account_id))
    promise_start = account_button(
        lambda actor, account_id: modals.promise_for_account(app, actor, account_id)
    )
    account_contacts = account_button(lambda actor, account_id: modals.contacts(app, actor, account_id))

    async def visit_edit(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        visit_id = button_id(action)
        container = body.get("container") or {}
        meta = {"ch": container.get("channel_id"), "ts": container.get("message_ts")}
        await open_modal(body, client, lambda actor: modals.edit(app, actor, visit_id, meta))

    async def visit_account_changed(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """The account of the /visit modal changed: its contacts follow, everything typed stays."""
        await ack()
        actor = await deps.actor(client, body["user"]["id"])
        current = body["view"]
        view = await deps.run(modals.visit_after_account_change, app, actor, current)
        try:
            await client.views_update(view_id=current["id"], hash=current.get("hash"), view=view)
        except SlackApiError as exc:
            if slack_error_code(exc) != "hash_conflict":  # a later change already replaced the view
                raise

    bolt.action(PROMISE)(promise_button)
    bolt.action(UNDO)(undo_button)
    bolt.action(_button("account.open"))(account_open)
    bolt.action(_button("visit.start"))(visit_start)
    bolt.action(_button("promise.start"))(promise_start)
    bolt.action(_button("account.contacts"))(account_contacts)
    bolt.action(_button("visit.edit"))(visit_edit)
    bolt.action(visit.ACCOUNT_ACTION)(visit_account_changed)


def button_id(action: dict[str, Any]) -> int:
    """The id a button carries; a forged value that is no id names no record (refused as gone)."""
    value = str(action.get("value") or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else 0


async def tell_presser(
    client: AsyncWebClient, respond: AsyncRespond | None, slack_id: str, reply: Reply, loc: Locale
) -> None:
    """Why a press did nothing, to the presser alone: ephemeral where the button was, else a DM."""
    if respond is not None and respond.response_url:
        await respond_reply(respond, reply, loc)
    else:
        await dm_reply(client, slack_id, reply, loc)
