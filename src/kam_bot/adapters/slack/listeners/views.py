"""Modal submissions. A field that does not fit comes back as ``response_action: errors`` on
its own input (everything typed stays); a valid form is saved once, even when double-submitted.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack import NAME, dedup
from kam_bot.adapters.slack.delivery import deliver, dm_reply
from kam_bot.adapters.slack.deps import Deps
from kam_bot.adapters.slack.forms import entries, settings, visit, visit_edit
from kam_bot.adapters.slack.forms.elements import errors_for
from kam_bot.adapters.slack.forms.state import FormState
from kam_bot.domain.enums import Role
from kam_bot.domain.models import User
from kam_bot.handlers.forms.submit import Claim, Refused, Saved, submit_entry, submit_visit
from kam_bot.handlers.render import error_reply
from kam_bot.handlers.replies import Line, Reply, Section, user
from kam_bot.i18n import format_date, t
from kam_bot.services.container import Services
from kam_bot.services.errors import InvalidInputError, ServiceError

SAVE_BUDGET = 2.0
"""Seconds to wait for a save before closing the modal anyway; the result then comes by DM."""
VIEW_CLAIMS = "slack_view"
ERROR_LIMIT = 300

log = logging.getLogger(__name__)


def release_claim(app: Services, view_id: str) -> None:
    """The entry was not saved: the same modal may be submitted again."""
    app.claims.release(VIEW_CLAIMS, view_id)


def _error_text(reply_or_exc: Reply | ServiceError, actor: User) -> str:
    reply = reply_or_exc if isinstance(reply_or_exc, Reply) else error_reply(reply_or_exc, actor.locale)
    text = " ".join(line.plain for s in reply.sections for line in s.lines)
    return text if len(text) <= ERROR_LIMIT else text[: ERROR_LIMIT - 1] + "…"


def register(bolt: AsyncApp, deps: Deps) -> None:
    app = deps.app

    async def visit_submitted(
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        request: AsyncBoltRequest,
    ) -> None:
        """The request's key is claimed by the save's own transaction (``dedup.CLAIMED_BY_SAVE``):
        a replay of a saved request is acknowledged and says nothing."""
        slack_id = body["user"]["id"]
        actor = await deps.actor(client, slack_id)
        claim = Claim(dedup.PLATFORM, dedup.body_key(request.raw_body))
        # checked and saved in one worker thread: the checks read nothing, a refusal comes at once
        task = asyncio.ensure_future(deps.run(submit_visit, app, actor, FormState(view), view["id"], claim))
        done, _ = await asyncio.wait({task}, timeout=SAVE_BUDGET)
        if task in done and isinstance(result := task.result(), Refused):
            await ack(response_action="errors", errors=errors_for(result.errors, view))
            return
        await ack()  # saved, or still saving after SAVE_BUDGET: the modal closes, the outcome comes by DM
        result = await task
        if isinstance(result, Saved) and result.taken_in_before:
            log.info("Slack request %s delivered again; already taken in", claim.key)
            return
        await dm_reply(client, slack_id, result.reply, actor.locale)
        if isinstance(result, Saved):
            await deps.refresh_home(client, slack_id, actor)

    async def entry_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        slack_id = body["user"]["id"]
        actor = await deps.actor(client, slack_id)
        state = FormState(view)
        claim = Claim(VIEW_CLAIMS, view["id"])
        result = await deps.run(submit_entry, app, actor, view["callback_id"], state, claim)
        if isinstance(result, Refused):
            await ack(response_action="errors", errors=errors_for(result.errors, view))
            return
        await ack()
        if result.already_saved:  # the same modal submitted twice: saved the first time
            return
        await deliver(client, slack_id, result.reply, actor.locale, state.meta.get("ru"))
        await deps.refresh_home(client, slack_id, actor)

    async def edit_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        slack_id = body["user"]["id"]
        actor = await deps.actor(client, slack_id)
        loc = actor.locale
        state = FormState(view)
        visit_id = int(state.meta.get("v") or 0)
        form = visit_edit.VisitEditForm.from_state(state)
        try:
            _, account = await deps.run(app.visits.for_edit, actor, visit_id)
            edited = await deps.run(app.visits.edit, actor, visit_id, **form.fields())
        except ServiceError as exc:  # the service's rules, on the field they are about
            block = exc.field if exc.field in {"next_visit_date", "summary"} else "summary"
            await ack(response_action="errors", errors=errors_for({block: _error_text(exc, actor)}, view))
            return
        await ack()
        line = Line.of(
            t("slack.edit.saved", loc, date=format_date(edited.visited_at.date(), loc)),
            " ",
            user(account.name),
        )
        await dm_reply(client, slack_id, Reply(sections=[Section(lines=[line])]), loc)
        await deps.refresh_home(client, slack_id, actor)

    async def settings_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        slack_id = body["user"]["id"]
        actor = await deps.actor(client, slack_id)
        state = FormState(view)
        form = settings.SettingsForm.from_state(state)
        try:
            actor = await deps.run(save_settings, app, actor, form)
            deps.users.forget(slack_id)
        except InvalidInputError as exc:
            block = {"timezone": "timezone", "locale": "locale", "reminder_time": "reminder"}.get(
                exc.field or "", "away"
            )
            await ack(response_action="errors", errors=errors_for({block: _error_text(exc, actor)}, view))
            return
        except ServiceError as exc:
            block = f"team:{exc.params['id']}" if "id" in exc.params else "timezone"
            await ack(response_action="errors", errors=errors_for({block: _error_text(exc, actor)}, view))
            return
        await ack()
        reply = await deps.run(deps.commands.settings, actor, "")
        await deliver(client, slack_id, reply, actor.locale, state.meta.get("ru"))
        await deps.refresh_home(client, slack_id, actor)

    assert visit.CALLBACK in dedup.CLAIMED_BY_SAVE  # the middleware leaves its claim to the save
    bolt.view(visit.CALLBACK)(visit_submitted)
    for callback in (entries.PROMISE, entries.PRICE, entries.STOCK):
        bolt.view(callback)(entry_submitted)
    bolt.view(visit_edit.CALLBACK)(edit_submitted)
    bolt.view(settings.CALLBACK)(settings_submitted)


def save_settings(app: Services, actor: User, form: settings.SettingsForm) -> User:
    updated = app.users.update_settings(
        actor,
        timezone=form.timezone,
        locale=form.locale.value if form.locale else None,
        reminder_time=form.reminder,
        away_until=form.away,
        clear_away=form.away is None,
    )
    if form.channels and actor.role is Role.ADMIN:
        current = {team.id: team.digest_destinations.get(NAME) for team in app.users.teams()}
        for team_id, channel in form.channels.items():
            if channel and channel != current.get(team_id):
                app.users.set_team_destination(actor, team_id, NAME, channel)
    return updated
