"""Slack as one of the server's platforms: ``POST /slack/events`` through Bolt's Starlette
adapter, or a Socket Mode connection with ``SLACK_APP_TOKEN``, and the outbox's Slack deliverer.

One URL takes everything Slack sends (commands, interactivity, options, events). The server
itself (``kam_bot.server``: ``/healthz``, the jobs) is platform-neutral; ``create_asgi`` here
builds it with Slack alone, as the tests and the benchmarks use it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Any, Protocol

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kam_bot.adapters.inbound import VERIFIED, refuse
from kam_bot.adapters.slack import NAME, acks, signature
from kam_bot.adapters.slack.app import close_app, create_slack_app
from kam_bot.adapters.slack.outbox_delivery import SlackDeliverer, outbox_client
from kam_bot.adapters.slack.retry import SharedSessionClient, make_client
from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.handlers.verbs import ChatServices
from kam_bot.jobs.delivery import Deliverer
from kam_bot.server import Served, create_server

log = logging.getLogger(__name__)


class SlackPlatform:
    """The Bolt app, its Web API client and the outbox deliverer on a copy of that client."""

    def __init__(
        self, app: ChatServices, settings: SlackSettings, *, client: AsyncWebClient | None = None
    ) -> None:
        self.settings = settings
        self.client = client or make_client(settings)
        self.bolt = create_slack_app(app, settings, client=self.client)
        self._handler = AsyncSlackRequestHandler(self.bolt)
        self._outbox_client = outbox_client(self.client)
        self._deliverer = SlackDeliverer(self._outbox_client)
        self._socket_mode: Any = None
        self._connecting: asyncio.Future[Any] | None = None

    @property
    def name(self) -> str:
        return NAME

    @property
    def deliverer(self) -> Deliverer:
        return self._deliverer

    def routes(self) -> Sequence[BaseRoute]:
        if not self.settings.signing_secret:
            return []

        secret = self.settings.signing_secret

        async def slack_events(request: Request) -> Response:
            body = await request.body()
            reason = signature.refusal(request.headers, body, secret, time.time())
            if reason is not None:
                return refuse("Slack", reason, request)
            answered = acks.Answered()
            try:
                return await self._handler.handle(request, {VERIFIED: True, acks.ANSWERED: answered})
            finally:
                answered.done = True  # whatever the listener does later, the HTTP answer went out

        return [Route("/slack/events", slack_events, methods=["POST"])]

    async def startup(self) -> None:
        if self.settings.app_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            self._socket_mode = AsyncSocketModeHandler(
                self.bolt, self.settings.app_token, web_client=self.client
            )
            # In the background: without network it retries forever, and a startup that never
            # ends would leave Ctrl+C / SIGTERM unanswered.
            self._connecting = asyncio.ensure_future(self._socket_mode.connect_async())

    @property
    def needs_connection(self) -> bool:
        return bool(self.settings.app_token)

    async def connection_problem(self) -> str | None:
        """Whether the Socket Mode connection is up (readiness)."""
        if self._socket_mode is None:
            return "Socket Mode not started"
        if not await self._socket_mode.client.is_connected():
            return "Socket Mode not connected"
        return None

    async def shutdown(self) -> None:
        if self._connecting is not None and not self._connecting.done():
            self._connecting.cancel()
        self._connecting = None
        if self._socket_mode is not None:
            await _close_socket_mode(self._socket_mode)
            self._socket_mode = None
        for client in (self.client, self._outbox_client):
            if isinstance(client, SharedSessionClient):
                await client.close()
        close_app(self.bolt)


SOCKET_CLOSE_SECONDS = 5.0


async def _close_socket_mode(handler: Any) -> None:
    """Close the Socket Mode connection, giving up after ``SOCKET_CLOSE_SECONDS`` (no network)."""
    try:
        await asyncio.wait_for(handler.close_async(), SOCKET_CLOSE_SECONDS)
    except (TimeoutError, asyncio.CancelledError):
        log.warning("Socket Mode did not close within %.0f s; stopping anyway", SOCKET_CLOSE_SECONDS)
    except Exception:
        log.exception("Socket Mode close failed; stopping anyway")


class Hosted(ChatServices, Served, Protocol):
    """What ``create_asgi`` builds from: the services, the jobs' context, the health check."""


def create_asgi(app: Hosted, settings: SlackSettings, *, client: AsyncWebClient | None = None) -> Starlette:
    """The server with Slack as its only platform."""
    return create_server(app, [SlackPlatform(app, settings, client=client)])
