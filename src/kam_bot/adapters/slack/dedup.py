"""Every Slack request is taken in once: retries, replays and re-sent events are answered 200.

Slack re-sends an event up to 3 times (``X-Slack-Retry-Num``, at 3 s when the first is slow),
and anyone holding a signed request can post it again while its timestamp is fresh (Bolt
accepts 5 minutes). A global middleware, after Bolt has verified the signature, names a key
for the request and claims it (``services.claims``: the first claim of a key wins, in any
process, for an hour):

- an event: ``event:<event_id>`` (what Slack keeps across its retries);
- a slash command, button, shortcut or submitted view: ``body:<sha256 of the raw body>``: a
  retry or a replay carries the same body (each genuine invocation has its own
  ``trigger_id``); a double-clicked submit of one modal is caught by the view's own claim
  (``listeners/views.py``);
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
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from kam_bot.adapters.slack import acks
from kam_bot.logs import OncePer, outage_kind
from kam_bot.services.container import Services

PLATFORM = "slack"
_SAID = OncePer(60.0)
log = logging.getLogger(__name__)
CHECK_BUDGET = 1.0
"""Seconds the key check may take before the request is processed anyway."""
NOT_DEDUPLICATED = frozenset({"block_suggestion", "url_verification", "ssl_check"})
CLAIMED_BY_SAVE = frozenset({"visit"})
"""Modals (``callback_id``) whose submission is claimed in its save's transaction, with the same
key (``listeners/views.py``), instead of here: one transaction and commit less per visit."""
_CHECKS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kam-slack-once")
"""The key checks' own threads: a check runs before the ack, so it must not queue behind the
listeners' work (modals being built, visits being saved) in the default executor."""


def request_key(body: dict[str, Any], raw_body: str) -> str | None:
    """The key that is the same for every delivery of one request, or None (not de-duplicated)."""
    kind = body.get("type")
    if kind in NOT_DEDUPLICATED:
        return None
    if kind == "view_submission" and (body.get("view") or {}).get("callback_id") in CLAIMED_BY_SAVE:
        return None
    if kind == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    return body_key(raw_body)


def body_key(raw_body: str) -> str:
    """A request's key by its body: the same for a retry or a replay, new for each invocation."""
    return "body:" + hashlib.sha256(raw_body.encode()).hexdigest()


def retry_num(req: AsyncBoltRequest) -> str | None:
    values = req.headers.get("x-slack-retry-num") or []
    return values[0] if values else None


async def _is_first(app: Services, key: str) -> bool:
    try:
        check = asyncio.get_running_loop().run_in_executor(_CHECKS, app.claims.claim, PLATFORM, key)
        return await asyncio.wait_for(check, CHECK_BUDGET)
    except Exception as exc:  # the database is down or slow: process rather than drop
        slow = isinstance(exc, TimeoutError)
        kind = f"no answer within {CHECK_BUDGET:.0f} s" if slow else outage_kind(exc) or type(exc).__name__
        message = "Slack requests: could not check for repeats (%s); processing them"
        _SAID.log(log, logging.WARNING, kind, message, kind)
        return True


def register(bolt: AsyncApp, app: Services) -> None:
    async def once(
        req: AsyncBoltRequest,
        body: dict[str, Any],
        next: Callable[[], Awaitable[None]],
    ) -> BoltResponse | None:
        key = request_key(body, req.raw_body)
        if key is not None and not await _is_first(app, key):
            log.info("Slack request %s delivered again (retry %s); already taken in", key, retry_num(req))
            acks.mark_answered(req.context)  # answered here, in milliseconds: no late-ack warning
            return BoltResponse(status=200, body="")
        await next()
        return None

    bolt.middleware(once)
