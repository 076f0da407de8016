"""The Web API client: retries on 429 (honouring Retry-After) and on dropped connections.

Retries happen inside the client, after the listener has acknowledged Slack, so they never
delay an ``ack``. A ``trigger_id`` lives 3 seconds: waiting longer than that before
``views.open`` is useless, so those calls give up instead of sleeping (the error handler
then tells the user to try again).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack.settings import SlackSettings

RATE_LIMIT_RETRIES = 3
CONNECTION_RETRIES = 2
MAX_WAIT_SECONDS = 60
"""Beyond this a rate-limited call fails rather than holding the work for minutes."""
TRIGGER_METHODS = ("views.open", "views.push")
TRIGGER_MAX_WAIT_SECONDS = 1


def retry_after(response: HttpResponse) -> int | None:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return int(values[0])
            except ValueError:
                return None
    return None


class BoundedRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Slack's own 429 handler, refusing waits that cannot help (expired triggers, minutes-long limits)."""

    def __init__(self, max_retry_count: int = RATE_LIMIT_RETRIES, max_wait: int = MAX_WAIT_SECONDS) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response) or 1
        limit = (
            TRIGGER_MAX_WAIT_SECONDS if request.url.rstrip("/").endswith(TRIGGER_METHODS) else self.max_wait
        )
        return wait <= limit


def retry_handlers() -> list[AsyncRetryHandler]:
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
        BoundedRateLimitRetryHandler(),
    ]


class SharedSessionClient(AsyncWebClient):
    """An ``AsyncWebClient`` whose calls share one aiohttp session (kept-alive connections).

    Without a session slack_sdk opens and closes one per call (a new TCP, and TLS, connection
    to Slack each time). The session is made on first use inside the running event loop (aiohttp
    needs one) and again for another loop; Bolt's per-request clients take it from this one.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._given: aiohttp.ClientSession | None = None
        self._shared: aiohttp.ClientSession | None = None
        self._shared_loop: asyncio.AbstractEventLoop | None = None
        super().__init__(**kwargs)

    @property
    def session(self) -> aiohttp.ClientSession | None:
        if self._given is not None:
            return self._given
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        if self._shared is None or self._shared.closed or self._shared_loop is not loop:
            self._shared = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout), trust_env=self.trust_env_in_session
            )
            self._shared_loop = loop
        return self._shared

    @session.setter
    def session(self, value: aiohttp.ClientSession | None) -> None:
        self._given = value

    async def close(self) -> None:
        """Close the shared session (at shutdown)."""
        if self._shared is not None and not self._shared.closed:
            await self._shared.close()
        self._shared = None


def make_client(settings: SlackSettings) -> SharedSessionClient:
    """The app's client for ``settings.api_url``; Bolt copies its retry handlers and its logger
    per request."""
    client = SharedSessionClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        retry_handlers=retry_handlers(),
    )
    settle_level(client.logger)
    return client


def settle_level(logger: logging.Logger) -> None:
    """Give slack_sdk's client logger the level it already has in effect, when it has none of its own.

    The client writes out each call's request and answer (their whole Block Kit JSON) for its
    debug lines whenever ``logger.level <= DEBUG``, and a logger left at ``NOTSET`` (0) always
    passes that test, even when no debug line is ever emitted: on the submission bench that
    text was 2.4 % of a serving worker's CPU. A level set on purpose (debugging the Slack
    calls) is left as it is."""
    if logger.level == logging.NOTSET:
        logger.setLevel(logger.getEffectiveLevel())
