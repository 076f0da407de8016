"""Every Slack request is taken in once: retries, replays and re-sent events are answered 200.

Slack re-sends an event up to 3 times (``X-Slack-Retry-Num``, at 3 s when the first is slow),
and anyone holding a signed request can post it again while its timestamp is fresh (Bolt
accepts 5 minutes). A global middleware, after Bolt has verified the signature, names a key
for the request and asks the store's ``RequestKeys`` whether this is its first delivery:

- an event: ``event:<event_id>`` (what Slack keeps across its retries);
- a slash command, button, shortcut or submitted view: ``body:<sha256 of the raw body>``: a
  retry or a replay carries the same body (each genuine invocation has its own
  ``trigger_id``); a double-clicked submit of one modal is caught by the view's own claim
  (``first_delivery`` below);
- type-ahead (``block_suggestion``) and ``url_verification``: never de-duplicated, they
  change nothing and must be answered every time.

A repeat is acknowledged with an empty 200 (Slack stops retrying) and not processed. When
the database does not answer within ``CHECK_BUDGET`` the request is processed (an outage
must not cost the 3-second acknowledgement; the listener then tells the user that nothing
was saved).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from kam_bot.bootstrap import App
from kam_bot.store.request_keys import RequestKeys, SqlRequestKeys

PLATFORM = "slack"
VIEW_TTL = timedelta(days=1)
"""A modal can stay open for hours; its claim lives a day."""
CHECK_BUDGET = 1.0
"""Seconds the key check may take before the request is processed anyway."""
NOT_DEDUPLICATED = frozenset({"block_suggestion", "url_verification", "ssl_check"})

log = logging.getLogger(__name__)


def request_key(body: dict[str, Any], raw_body: str) -> str | None:
    """The key that is the same for every delivery of one request, or None (not de-duplicated)."""
    kind = body.get("type")
    if kind in NOT_DEDUPLICATED:
        return None
    if kind == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    return "body:" + hashlib.sha256(raw_body.encode()).hexdigest()


def retry_num(req: AsyncBoltRequest) -> str | None:
    values = req.headers.get("x-slack-retry-num") or []
    return values[0] if values else None


def first_delivery(app: App, key: str, platform: str = PLATFORM) -> bool:
    """True the first time ``key`` is claimed (a submitted view: ``platform`` ``slack_view``)."""
    return SqlRequestKeys(app.engine, app.clock).first(platform, key, VIEW_TTL)


def forget(app: App, key: str, platform: str = PLATFORM) -> None:
    """Release a claim whose work was not done, so the same request may come again."""
    SqlRequestKeys(app.engine, app.clock).forget(platform, key)


async def _is_first(keys: RequestKeys, key: str, logger: logging.Logger) -> bool:
    try:
        return await asyncio.wait_for(asyncio.to_thread(keys.first, PLATFORM, key), CHECK_BUDGET)
    except Exception as exc:  # the database is down or slow: process rather than drop
        logger.warning("Slack request %s: could not check for a repeat (%r); processing it", key, exc)
        return True


def register(bolt: AsyncApp, app: App, keys: RequestKeys | None = None) -> None:
    store: RequestKeys = keys or SqlRequestKeys(app.engine, app.clock)

    async def once(
        req: AsyncBoltRequest,
        body: dict[str, Any],
        next: Callable[[], Awaitable[None]],
        logger: logging.Logger,
    ) -> BoltResponse | None:
        key = request_key(body, req.raw_body)
        if key is not None and not await _is_first(store, key, logger):
            logger.info("Slack request %s delivered again (retry %s); already taken in", key, retry_num(req))
            return BoltResponse(status=200, body="")
        await next()
        return None

    bolt.middleware(once)
