"""Slash commands: /visit, /promise, /price, /stock, /account, /kam — each a line of the shared
command language (``handlers.verbs``), answered by ``dispatch``.

Each acknowledges first (Slack's 3 seconds), then opens its modal with the trigger before
any slow work, or answers ephemerally through ``response_url``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack import answers, dedup, modals, opening
from kam_bot.adapters.slack.blocks import MESSAGE_BLOCKS, escape, fallback_text, promise_blocks
from kam_bot.adapters.slack.delivery import respond_reply
from kam_bot.adapters.slack.deps import Deps
from kam_bot.adapters.slack.errors import EXCHANGED_TRIGGER, TRIGGER_ERRORS
from kam_bot.adapters.slack.forms.elements import notice_modal
from kam_bot.adapters.slack.forms.shown import SURFACE, show_visit_form, visit_form
from kam_bot.adapters.slack.opening import open_view
from kam_bot.domain.models import User
from kam_bot.handlers.answers import Capture
from kam_bot.handlers.capture import save_capture
from kam_bot.handlers.dispatch import dispatch
from kam_bot.handlers.prefill import VisitPrefill, today_for
from kam_bot.handlers.render import promise_list
from kam_bot.handlers.replies import Reply
from kam_bot.handlers.verbs import ChatServices
from kam_bot.i18n import t
from kam_bot.services.container import Services

Listener = Callable[..., Any]

SLASH = {
    "/visit": "visit",
    "/promise": "promise",
    "/price": "price",
    "/stock": "stock",
    "/account": "account",
}
"""Each slash command is its verb; ``/kam`` takes any line of the command language."""
SETTINGS_WORDS = frozenset({"settings", "setting", "设置"})
log = logging.getLogger(__name__)


def typed_line(command: dict[str, Any]) -> str:
    """The command-language line a slash command stands for: ``/visit X`` is ``visit X``."""
    text = (command.get("text") or "").strip()
    verb = SLASH.get(command["command"])
    return f"{verb} {text}".strip() if verb else text


def opens_visit_form(app: ChatServices, command: dict[str, Any]) -> bool:
    """Whether the slash command asks for the visit form (``/visit``, ``/kam visit …``): with a
    form process its one effect is the modal its trigger opens (``_visit_elsewhere``)."""
    return _verb(app, typed_line(command)) == "visit"


def register(bolt: AsyncApp, deps: Deps) -> None:
    app = deps.app

    async def slash(
        ack: AsyncAck,
        command: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        context: dict[str, Any],
    ) -> None:
        """Acknowledge first (Slack's 3 seconds), then nothing more for a repeat another process
        took in (``dedup.taken_in``); a visit with a form process opens its light modal without
        waiting for that (``_visit_elsewhere``). A capture opens its modal with the trigger before
        any slow work (a complete quick entry is saved at once, with Undo); ``/kam settings``
        alone opens the settings modal; every other line is answered ephemerally."""
        await ack()
        slack_id, line = command["user_id"], typed_line(command)
        if deps.forms.separate and opens_visit_form(app, command):
            await _visit_elsewhere(deps, command, client, line, context)
            return
        if not await dedup.taken_in(context):
            return
        if app.verbs.captures(line):
            await _capture(deps, command, client, respond, line)
        elif line.split(" ", 1)[0].casefold() in SETTINGS_WORDS and " " not in line:
            await _settings_modal(deps, command, client)
        else:
            actor = await deps.actor(client, slack_id)
            said = await deps.run(dispatch, app, line, actor, SURFACE)
            assert isinstance(said, Reply)  # a capture was recognised above
            if _lists_promises(app, line):
                await respond(**await deps.run(my_promises_message, app, actor))
            else:
                await respond_reply(respond, said, actor.locale)
            if _changes_settings(line):
                deps.users.forget(slack_id)

    for name in (*SLASH, "/kam"):
        bolt.command(name)(slash)
        deps.registry.commands.append(name)


async def _capture(
    deps: Deps, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond, line: str
) -> None:
    app, slack_id, channel = deps.app, command["user_id"], command.get("channel_id")
    saved: list[tuple[User, Reply]] = []
    visit = _verb(app, line) == "visit"

    async def build() -> dict[str, Any] | None:
        async with deps.form_builds:
            return await form()

    async def form() -> dict[str, Any] | None:
        actor = await deps.actor(client, slack_id)
        if visit:  # a visit always opens its form (built in the form process, if there is one)
            return await deps.forms.build(visit_form, actor, line, channel)
        said = await deps.run(dispatch, app, line, actor, SURFACE)
        assert isinstance(said, Capture)
        prefill = said.prefill
        assert not isinstance(prefill, VisitPrefill)
        if prefill.ready:
            saved.append((actor, await deps.run(save_capture, deps.commands, actor, prefill)))
            return None
        meta = {"ch": command.get("channel_id"), "ru": command.get("response_url")}
        return modals.entry_view(prefill, actor.locale, meta)

    loc = deps.users.locale_hint(slack_id)
    # A visit always opens its form: a light modal at once, the form when built. A quick entry
    # may be saved without any form: it keeps the trigger's budget, to open none at all (a
    # light modal it did open then says ``done``).
    budget = opening.FORM_WAIT if visit else None
    done = (
        None if visit else notice_modal(t("slack.saved.title", loc), escape(t("slack.saved.text", loc)), loc)
    )
    typed = f"{command['command']} {command.get('text') or ''}".strip()
    await open_view(client, command["trigger_id"], build(), loc, budget=budget, done_view=done, typed=typed)
    for actor, reply in saved:
        await respond_reply(respond, reply, actor.locale)
        if reply.ok:
            await deps.refresh_home(client, slack_id, actor)


async def _visit_elsewhere(
    deps: Deps, command: dict[str, Any], client: AsyncWebClient, line: str, context: dict[str, Any]
) -> None:
    """``/visit`` (or ``/kam visit …``) with a form process: the light modal now, the form from
    there (``forms.shown``).

    The modal does not wait for a claim of the request (a database round trip from a thread,
    the largest part of the time to the modal under load): its only effect is the modal, and
    Slack opens one per trigger. A copy of this request delivered to another process finds the
    trigger exchanged and stops (``_opened_elsewhere``); the copy whose modal opened builds the
    form, and its claim is written afterwards with others (``dedup.ClaimBatches``).
    """
    slack_id, channel = command["user_id"], command.get("channel_id")
    loc = deps.users.locale_hint(slack_id)
    typed = f"{command['command']} {command.get('text') or ''}".strip()
    try:
        view_id = await opening.open_loading(client, command["trigger_id"], loc, typed)
    except SlackApiError as error:
        if await _opened_elsewhere(error, context):
            return
        raise
    dedup.taken_by_trigger(context)
    try:
        async with deps.form_builds:
            args = (deps.slack, line, channel, view_id)
            shown = await deps.forms.build(show_visit_form, deps.users.known(slack_id) or slack_id, *args)
            if shown is None:  # met here first: Slack says who they are, then the form
                shown = await deps.forms.build(show_visit_form, await deps.actor(client, slack_id), *args)
            assert shown is not None
        deps.users.met(slack_id, shown.actor)
        if shown.view is not None:  # built in a thread here: this process sends it
            await client.views_update(view_id=view_id, view=shown.view)
    except Exception:
        await opening.show_failure(client, view_id, loc)
        raise


async def _opened_elsewhere(error: SlackApiError, context: dict[str, Any]) -> bool:
    """Whether a refused trigger means another delivery of this request has the modal: it was
    exchanged already, or it expired and the claim says another process took the request in
    (a replay; a first delivery that was too slow is told so by the error handler)."""
    code = answers.error_code(error)
    if code in EXCHANGED_TRIGGER:
        log.info(
            "Slack /visit: its trigger was used by another delivery of the request; that one shows the form"
        )
        return True
    return code in TRIGGER_ERRORS and not await dedup.taken_in(context)


async def _settings_modal(deps: Deps, command: dict[str, Any], client: AsyncWebClient) -> None:
    slack_id = command["user_id"]

    async def build() -> dict[str, Any]:
        actor = await deps.actor(client, slack_id)
        meta = {"ru": command.get("response_url")}
        return await deps.forms.build(modals.settings_for, actor, meta)

    loc = deps.users.locale_hint(slack_id)
    await open_view(client, command["trigger_id"], build(), loc, budget=opening.FORM_WAIT)


def _verb(app: ChatServices, line: str) -> str | None:
    verb = app.verbs.find(line.split(" ", 1)[0]) if line else None
    return verb.name if verb is not None else None


def _lists_promises(app: ChatServices, line: str) -> bool:
    """``promises`` (or ``promise`` alone) is shown as Slack's list with buttons."""
    return _verb(app, line) in {"promises", "promise"}


def _changes_settings(line: str) -> bool:
    return line.split(" ", 1)[0].casefold() in SETTINGS_WORDS


def my_promises_message(app: Services, actor: User) -> dict[str, Any]:
    """``/kam promises``: the open promises with their buttons, within a message's 50 blocks."""
    promises = app.promises.mine(actor)
    accounts = app.accounts.by_ids(p.account_id for p in promises)
    today = today_for(app, actor)
    message: dict[str, Any] = {
        "text": fallback_text(promise_list(promises, accounts, today, actor.locale)),
        "response_type": "ephemeral",
    }
    if promises:
        blocks = promise_blocks(promises, accounts, today, actor.locale, MESSAGE_BLOCKS)
        message["blocks"] = [b.to_dict() for b in blocks]
    return message
