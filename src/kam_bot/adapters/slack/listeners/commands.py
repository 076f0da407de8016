"""Slash commands: /visit, /promise, /price, /stock, /account, /kam.

Each acknowledges first (Slack's 3 seconds), then opens its modal with the trigger before
any slow work, or answers ephemerally through ``response_url``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack import modals
from kam_bot.adapters.slack.blocks import MESSAGE_BLOCKS, escape, fallback_text, promise_blocks
from kam_bot.adapters.slack.delivery import respond_reply
from kam_bot.adapters.slack.deps import Deps
from kam_bot.adapters.slack.forms.elements import notice_modal
from kam_bot.adapters.slack.opening import open_view
from kam_bot.domain.models import Account, User
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.prefill import (
    PricePrefill,
    PromisePrefill,
    StockPrefill,
    prefill_price,
    prefill_promise,
    prefill_stock,
    today_for,
)
from kam_bot.handlers.render import error_reply, promise_list
from kam_bot.handlers.replies import Action, Reply
from kam_bot.handlers.team import team
from kam_bot.i18n import t
from kam_bot.services.container import Services
from kam_bot.services.errors import AccountNotFoundError, AmbiguousAccountError, ServiceError

Listener = Callable[..., Any]

EntryPrefill = PromisePrefill | PricePrefill | StockPrefill
ENTRIES: dict[
    str, tuple[Callable[[Services, User, str], EntryPrefill], Callable[[Commands, User, Any], Reply]]
] = {
    "/promise": (prefill_promise, Commands.save_promise),
    "/price": (prefill_price, Commands.save_price),
    "/stock": (prefill_stock, Commands.save_stock),
}


def account_reply(app: Services, commands: Commands, actor: User, query: str) -> Reply:
    """The card of the account ``query`` names; when unsure, the candidates as buttons."""
    if not query.strip():
        return commands.account(actor, query)
    try:
        account: Account = app.accounts.resolve(query, actor)
    except (AmbiguousAccountError, AccountNotFoundError) as exc:
        reply = error_reply(exc, actor.locale)
        reply.actions = [
            Action(action_id="account.open", label=name, value=str(aid)) for aid, name in exc.suggestions
        ]
        return reply
    except ServiceError as exc:
        return error_reply(exc, actor.locale)
    return commands.account_by_id(actor, account.id)


def register(bolt: AsyncApp, deps: Deps) -> None:
    app = deps.app

    async def visit(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        slack_id = command["user_id"]

        async def build() -> dict[str, Any]:
            actor = await deps.actor(client, slack_id)
            return await deps.run(
                modals.visit_from_text, app, actor, command.get("text") or "", command.get("channel_id")
            )

        await open_view(client, command["trigger_id"], build(), deps.users.locale_hint(slack_id))

    async def quick_entry(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        """Complete and unambiguous: saved at once with an Undo button; else a small prefilled modal."""
        await ack()
        slack_id = command["user_id"]
        parse, save = ENTRIES[command["command"]]
        saved: list[tuple[User, Reply]] = []

        async def build() -> dict[str, Any] | None:
            actor = await deps.actor(client, slack_id)
            prefill = await deps.run(parse, app, actor, command.get("text") or "")
            if prefill.ready:
                saved.append((actor, await deps.run(save, deps.commands, actor, prefill)))
                return None
            meta = {"ch": command.get("channel_id"), "ru": command.get("response_url")}
            return modals.entry_view(prefill, actor.locale, meta)

        loc = deps.users.locale_hint(slack_id)
        await open_view(
            client,
            command["trigger_id"],
            build(),
            loc,
            done_view=notice_modal(t("slack.saved.title", loc), escape(t("slack.saved.text", loc)), loc),
        )
        for actor, reply in saved:
            await respond_reply(respond, reply, actor.locale)
            if reply.ok:
                await deps.refresh_home(client, slack_id, actor)

    async def account(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        actor = await deps.actor(client, command["user_id"])
        reply = await deps.run(account_reply, app, deps.commands, actor, command.get("text") or "")
        await respond_reply(respond, reply, actor.locale)

    async def kam(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        """``/kam`` help, ``/kam promises``, ``/kam today``, ``/kam accounts [TEXT]``,
        ``/kam team [NAME]`` (managers), ``/kam settings [tz …|lang …|hour …|away …|back]``."""
        await ack()
        slack_id = command["user_id"]
        word, _, rest = (command.get("text") or "").strip().partition(" ")
        word = word.lower()
        if word in {"settings", "setting", "设置"} and not rest.strip():

            async def build() -> dict[str, Any]:
                actor = await deps.actor(client, slack_id)
                meta = {"ru": command.get("response_url")}
                return await deps.run(modals.settings_for, app, actor, meta)

            await open_view(client, command["trigger_id"], build(), deps.users.locale_hint(slack_id))
            return
        actor = await deps.actor(client, slack_id)
        if word in {"settings", "setting", "设置"}:
            reply = await deps.run(deps.commands.settings, actor, rest)
            deps.users.forget(slack_id)
            await respond_reply(respond, reply, actor.locale)
        elif word in {"promises", "promise", "承诺"}:
            await respond(**await deps.run(my_promises_message, app, actor))
        elif word in {"today", "今天"}:
            await respond_reply(respond, await deps.run(deps.commands.today, actor), actor.locale)
        elif word in {"accounts", "客户列表"}:
            reply = await deps.run(deps.commands.accounts, actor, rest)
            await respond_reply(respond, reply, actor.locale)
        elif word in {"team", "团队"}:
            await respond_reply(respond, await deps.run(team, app, actor, rest), actor.locale)
        else:
            await respond_reply(respond, deps.commands.help(actor), actor.locale)

    handlers: dict[str, Listener] = {"/visit": visit, "/account": account, "/kam": kam}
    handlers |= dict.fromkeys(ENTRIES, quick_entry)
    for name, handler in handlers.items():
        bolt.command(name)(handler)
        deps.registry.commands.append(name)


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
