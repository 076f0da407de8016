"""The Teams SDK app: its handlers, its settings check, its routes for ``kam-bot serve``.

``TeamsBot.build`` makes the SDK ``App`` with our Starlette adapter (so ``POST /api/messages``
is served by ``kam-bot serve`` on its port and event loop), Bot Framework JWT validation of
every request (unless ``TEAMS_ALLOW_UNAUTHENTICATED`` is on, which logs a loud warning), and
the retry middleware on every outbound call. Database work runs in worker threads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from microsoft_teams.api.activities.conversation.conversation_update import ConversationUpdateActivity
from microsoft_teams.api.activities.install_update.add import InstalledActivity
from microsoft_teams.api.activities.invoke.adaptive_card.action import AdaptiveCardInvokeActivity
from microsoft_teams.api.activities.invoke.search import SearchInvokeActivity
from microsoft_teams.api.activities.message.message import MessageActivity, MessageActivityInput
from microsoft_teams.api.auth.cloud_environment import CloudEnvironment
from microsoft_teams.api.auth.credentials import TokenProvider
from microsoft_teams.api.models.adaptive_card.adaptive_card_action_response import (
    AdaptiveCardActionCardResponse,
)
from microsoft_teams.api.models.invoke_response import InvokeResponse
from microsoft_teams.api.models.search.search_response import (
    SearchInvokeResponseValue,
    SearchInvokeResult,
    SearchResponse,
)
from microsoft_teams.apps import ActivityContext
from microsoft_teams.apps import App as SdkApp
from microsoft_teams.cards.core import AdaptiveCard
from microsoft_teams.common import Client, ClientOptions
from starlette.routing import Route

from kam_bot.domain.models import User
from kam_bot.handlers.replies import Reply
from kam_bot.i18n import t
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.logs import OncePer, outage_kind
from kam_bot.services.errors import ServiceError

from . import NAME, actions, commands, identity
from .auth import InboundAuth
from .cards import reply_card
from .deps import TeamsServices
from .http import StarletteAdapter
from .retry import RetryMiddleware
from .settings import TeamsSettings, check_settings

if TYPE_CHECKING:
    from .delivery import TeamsDeliverer

log = logging.getLogger(__name__)
_SAID = OncePer(60.0)
T = TypeVar("T")

SEARCH_RESULTS = 15
MESSAGES_PATH = "/api/messages"
UNAUTHENTICATED_WARNING = (
    "TEAMS_ALLOW_UNAUTHENTICATED is on: /api/messages accepts requests WITHOUT Bot Framework "
    "authentication. Use this only on a development machine (the Agents Playground); never in production."
)


@dataclass
class TeamsBot:
    """Our Teams app: the SDK app and the routes it adds to ``kam-bot serve``."""

    app: TeamsServices
    sdk: SdkApp
    adapter: StarletteAdapter
    retry: RetryMiddleware
    _started: bool = field(default=False)

    @classmethod
    def build(
        cls,
        app: TeamsServices,
        settings: TeamsSettings,
        *,
        cloud: CloudEnvironment | None = None,
        token: TokenProvider | None = None,
        retry: RetryMiddleware | None = None,
    ) -> TeamsBot:
        """``cloud`` and ``token`` replace Microsoft's endpoints and token service (tests use local ones)."""
        check_settings(settings)
        if settings.allow_unauthenticated:
            log.warning(UNAUTHENTICATED_WARNING)
        retry = retry or RetryMiddleware()
        client = Client(ClientOptions(timeout=30.0))
        client.use(retry)
        required = not settings.allow_unauthenticated
        adapter = StarletteAdapter(InboundAuth.for_app(settings.client_id, cloud, required=required))
        options: dict[str, Any] = {
            "client_id": settings.client_id,
            "client_secret": None if token else settings.client_secret,
            "tenant_id": settings.tenant_id,
            "token": token,
            "dangerously_allow_unauthenticated_requests": settings.allow_unauthenticated,
            "http_server_adapter": adapter,
            "messaging_endpoint": MESSAGES_PATH,
            "client": client,
            "service_url": settings.service_url,
            "cloud": cloud,
            "state": False,
            "telemetry": {"agent365": False},
        }
        sdk = SdkApp(**{k: v for k, v in options.items() if v is not None})
        bot = cls(app=app, sdk=sdk, adapter=adapter, retry=retry)
        bot.register()
        return bot

    # -- the platform, as kam-bot serve sees it (``adapters.platform.ChatPlatform``) -------------------

    @property
    def name(self) -> str:
        return NAME

    async def startup(self) -> None:
        """Set up JWT validation and the messaging route (no server: ``kam-bot serve`` runs it)."""
        if not self._started:
            await self.sdk.initialize()
            self._started = True

    async def shutdown(self) -> None:
        """Nothing to release: the SDK's HTTP client closes with the process."""

    @property
    def deliverer(self) -> TeamsDeliverer:
        from .delivery import TeamsDeliverer

        return TeamsDeliverer(self)

    def routes(self) -> list[Route]:
        return [self.adapter.route(MESSAGES_PATH)]

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(fn, *args)

    # -- people -----------------------------------------------------------------------------

    async def actor(self, ctx: ActivityContext[Any]) -> User:
        """The sender, met on first contact; the personal chat's reference is stored each time."""
        activity = ctx.activity
        known = await self.run(identity.known_user, self.app, activity)
        if known is not None:
            await self.run(identity.remember, self.app, activity, known)
            return await self.run(identity.refresh, self.app, activity, known)
        email = await identity.roster_email(ctx.api, activity)
        return await self.run(identity.meet, self.app, activity, email)

    # -- handlers ---------------------------------------------------------------------------

    def register(self) -> None:
        sdk = self.sdk
        sdk.on_message(self.on_message)
        sdk.on_card_action(self.on_card_action)
        sdk.on_card_search(self.on_card_search)
        sdk.on_install_add(self.on_install)
        sdk.on_conversation_update(self.on_conversation_update)
        sdk.event("error")(self.on_error)

    async def on_error(self, event: Any) -> None:
        error = getattr(event, "error", None)
        if isinstance(error, ServiceError):  # a refusal the person was told about
            log.info("Teams activity refused: %s", error.message)
        elif isinstance(error, BaseException) and (outage := outage_kind(error)) is not None:
            _SAID.log(
                log, logging.ERROR, outage, "Teams activities failing: %s (%s)", outage, type(error).__name__
            )
        else:
            log.error("Teams activity failed: %s", error or event, exc_info=error)

    async def on_message(self, ctx: ActivityContext[MessageActivity]) -> None:
        activity = ctx.activity
        actor = await self.actor(ctx)
        if not identity.is_personal(activity):
            reply = await self.run(commands.in_channel, self.app, actor, activity)
            await self.post(ctx, reply, actor)
            return
        value = activity.value
        if isinstance(value, dict) and not (activity.text or "").strip():
            await self.on_submit(ctx, actor, value)
            return
        answer = await self.run(commands.answer, self.app, actor, activity.text or "")
        await self.post_answer(ctx, answer, actor)

    async def on_submit(
        self, ctx: ActivityContext[MessageActivity], actor: User, value: dict[str, Any]
    ) -> None:
        """``Action.Submit`` (a message with ``value``): same verbs; the card is replaced by updating it."""
        verb = str(value.get("verb") or value.get("action") or "")
        outcome = await self.run(actions.handle, self.app, actor, verb, value, ctx.activity.reply_to_id)
        replaced = MessageActivityInput().add_card(outcome.card)
        if ctx.activity.reply_to_id:
            replaced.id = ctx.activity.reply_to_id
        sent = await ctx.send(replaced)
        await self.run(actions.remember_card, self.app, sent.id, outcome.reply)
        if outcome.follow_up is not None:
            await self.post_answer(ctx, outcome.follow_up, actor)

    async def on_card_action(
        self, ctx: ActivityContext[AdaptiveCardInvokeActivity]
    ) -> AdaptiveCardActionCardResponse:
        actor = await self.actor(ctx)
        action = ctx.activity.value.action
        data = dict(action.data or {})
        outcome = await self.run(
            actions.handle, self.app, actor, action.verb or "", data, ctx.activity.reply_to_id
        )
        if outcome.follow_up is not None:
            await self.post_answer(ctx, outcome.follow_up, actor)
        return AdaptiveCardActionCardResponse(value=outcome.card)

    async def on_card_search(
        self, ctx: ActivityContext[SearchInvokeActivity]
    ) -> InvokeResponse[SearchResponse]:
        query = ctx.activity.value.query_text or ""
        actor = await self.actor(ctx)
        results = await self.run(account_choices, self.app, actor, query)
        response = SearchResponse(
            value=SearchInvokeResponseValue(
                results=[SearchInvokeResult(title=n, value=v) for v, n in results]
            )
        )
        return InvokeResponse(status=200, body=response)

    async def on_install(self, ctx: ActivityContext[InstalledActivity]) -> None:
        actor = await self.actor(ctx)
        if identity.is_personal(ctx.activity):
            await self.post(ctx, self.app.verbs.help(actor, commands.SURFACE), actor)

    async def on_conversation_update(self, ctx: ActivityContext[ConversationUpdateActivity]) -> None:
        """The bot added to a personal chat (store its reference) or to a team (its channel can
        receive a weekly digest: the reference is stored under the channel's conversation id)."""
        activity = ctx.activity
        added = activity.members_added or []
        bot_id = activity.recipient.id if activity.recipient else None
        if not any(m.id == bot_id for m in added):
            return
        if identity.is_personal(activity):
            await self.actor(ctx)
            return
        await self.run(identity.remember_channel, self.app, activity)
        loc = resolve_locale(activity.locale)
        reply = Reply.text(t("teams.channel_added", loc, id=activity.conversation.id))
        await ctx.send(MessageActivityInput().add_card(reply_card(reply, loc)))

    # -- posting ----------------------------------------------------------------------------

    async def post_answer(self, ctx: ActivityContext[Any], answer: commands.Answer, actor: User) -> None:
        if answer.card is not None:
            await ctx.send(MessageActivityInput().add_card(answer.card))
        elif answer.reply is not None:
            await self.post(ctx, answer.reply, actor)

    async def post(self, ctx: ActivityContext[Any], reply: Reply, actor: User) -> None:
        card: AdaptiveCard = reply_card(reply, actor.locale)
        sent = await ctx.send(MessageActivityInput().add_card(card))
        await self.run(actions.remember_card, self.app, sent.id, reply)


def account_choices(app: TeamsServices, actor: User, query: str) -> list[tuple[str, str]]:
    """(account id, name) ``actor`` may see for what was typed: names, aliases and typos, best first."""
    return [(str(i), label) for i, label in app.accounts.suggestions(actor, query, SEARCH_RESULTS)]
