"""Retries for calls to the Bot Connector API, as an HTTP middleware of the SDK's client.

Teams answers 429 (too many requests), 412 (a conversation being created or updated
concurrently), 502 and 504 for transient trouble. Each is retried with exponential backoff
and full jitter, at most ``attempts`` times; a ``Retry-After`` header is honoured (up to
``max_wait``). What still fails is raised as the SDK raises it (``httpx.HTTPStatusError``):
the outbox then reschedules the message on its own clock.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from microsoft_teams.common.http.client import MiddlewareContext, MiddlewareNext

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({412, 429, 502, 504})

Sleep = Callable[[float], Awaitable[None]]


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


@dataclass
class RetryMiddleware:
    attempts: int = 4
    base: float = 0.5
    cap: float = 8.0
    max_wait: float = 30.0
    """A Retry-After longer than this is not waited for here: the error goes up (the outbox waits)."""
    sleep: Sleep = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, response: httpx.Response) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; None when not worth waiting here."""
        hinted = retry_after(response)
        if hinted is not None:
            return hinted if hinted <= self.max_wait else None
        return self.rng.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))

    async def send(self, context: MiddlewareContext, next: MiddlewareNext) -> httpx.Response:
        attempt = 1
        while True:
            try:
                return await next()
            except httpx.HTTPStatusError as exc:
                status = exc.response.status_code
                if status not in RETRY_STATUSES or attempt >= self.attempts:
                    raise
                wait = self.delay(attempt, exc.response)
                if wait is None:
                    raise
                log.info("Bot Connector answered %s to %s; retrying in %.1fs", status, context.method, wait)
                await self.sleep(wait)
                attempt += 1
