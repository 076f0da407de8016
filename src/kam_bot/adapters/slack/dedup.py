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

The check is answered from memory first: ``RecentKeys`` holds the keys this process took in
during the last ``RECENT_SECONDS``, so a repeat reaching the same process is answered at once
without the database. The database claim stays the authority across processes:

- a slash command does not wait for it: the claim starts, the command is acknowledged, and the
  listener awaits ``taken_in`` after its ``ack()`` and before anything it does (a modal, a
  save, a reply); when another process already took the key in, it stops silently. ``/visit``
  (or ``/kam visit …``) with a form process does not wait for a claim: its one effect is a
  modal, and Slack opens one per trigger (a second ``views.open`` is refused,
  ``exchanged_trigger_id``), so the copy whose modal opened goes on and its claim is written
  afterwards, in a batch with others (``ClaimBatches``); a copy whose trigger expired asks the
  database;
- everything else (events, buttons, shortcuts, submitted views, whose ack may carry the
  outcome) is claimed before it is acknowledged, as before.

A repeat is acknowledged with an empty 200 (Slack stops retrying) and not processed. When
the database does not answer within ``CHECK_BUDGET`` the request is processed (an outage
must not cost the 3-second acknowledgement; the listener then tells the user that nothing
was saved).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from functools import partial
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
ByTrigger = Callable[[dict[str, Any]], bool]
"""Whether a slash command's one effect is a modal opened with its trigger, which Slack opens once
(``listeners.commands.opens_visit_form``: ``/visit``, ``/kam visit …``): its database claim is
made only if the listener asks for it, or recorded in a batch once the modal opened
(``ClaimBatches``)."""
RECORD_AFTER = 0.2
"""Seconds between a trigger opening a modal and its claim being written, with the others of
that time: well inside the 3 s a trigger lives, after which a repeat asks the database."""
_CHECKS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kam-slack-once")
"""The key checks' own threads: a check must not queue behind the listeners' work (modals
being built, visits being saved) in the default executor."""
RECENT_SECONDS = 600.0
"""How long this process remembers a key it took in: Slack's retries come within about 5
minutes and a signed request is refused 5 minutes after its timestamp."""
RECENT_LIMIT = 20_000
"""Keys remembered at most (about 4 MB); the oldest go first, the database still knows them."""
CLAIM = "kam_bot_claim"
"""Context key of a slash command's ``Deferred`` claim, awaited through ``taken_in``."""


class ClaimBatches:
    """Claims of requests their trigger took in (``ByTrigger``), written together
    ``RECORD_AFTER`` seconds after the first of them, off every request's way: a later delivery
    whose trigger has expired then finds its request taken in (``_opened_elsewhere``). A stop
    loses the claims of its last ``RECORD_AFTER`` seconds (a replay of those is told the form
    could not be opened)."""

    def __init__(self, app: Services) -> None:
        self._app = app
        self._keys: list[str] = []
        self._writing: asyncio.Task[None] | None = None

    def add(self, key: str) -> None:
        self._keys.append(key)
        if self._writing is None or self._writing.done():
            self._writing = asyncio.ensure_future(self._write_soon())

    async def _write_soon(self) -> None:
        while self._keys:  # keys added while a batch was written go with the next
            await asyncio.sleep(RECORD_AFTER)
            keys, self._keys = self._keys, []
            try:
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(_CHECKS, self._app.claims.record, PLATFORM, keys)
            except Exception as exc:  # a replay of one of them may then be taken for a first delivery
                kind = outage_kind(exc) or type(exc).__name__
                message = "Slack requests: %d claims not recorded (%s)"
                _SAID.log(log, logging.WARNING, f"record {kind}", message, len(keys), kind)


class Deferred:
    """A slash command's claim, awaited after its acknowledgement (``taken_in``): started at once,
    to run while Bolt dispatches, or, for a command its trigger claims, only when asked for."""

    def __init__(
        self, key: str, check: Callable[[], Coroutine[Any, Any, bool]], batches: ClaimBatches, *, start: bool
    ) -> None:
        self.key = key
        self._check = check
        self._batches = batches
        self._first = asyncio.ensure_future(check()) if start else None

    @property
    def first(self) -> asyncio.Future[bool]:
        if self._first is None:
            self._first = asyncio.ensure_future(self._check())
        return self._first

    def taken_by_trigger(self) -> None:
        """Its trigger opened the modal: the claim is recorded with the next batch."""
        if self._first is None:
            self._batches.add(self.key)


def taken_by_trigger(context: dict[str, Any]) -> None:
    """The request's modal opened with its trigger (the request is taken in): say so to the database."""
    claim = context.get(CLAIM)
    if isinstance(claim, Deferred):
        claim.taken_by_trigger()


class RecentKeys:
    """The keys this process took in lately; used on the event loop only (no lock needed)."""

    def __init__(self, seconds: float = RECENT_SECONDS, limit: int = RECENT_LIMIT) -> None:
        self._seconds = seconds
        self._limit = limit
        self._until: OrderedDict[str, float] = OrderedDict()

    def add(self, key: str) -> bool:
        """True when ``key`` is new here (it is remembered from now on); False for a repeat."""
        now = time.monotonic()
        while self._until and (next(iter(self._until.values())) <= now or len(self._until) >= self._limit):
            self._until.popitem(last=False)
        if key in self._until:
            return False
        self._until[key] = now + self._seconds
        return True


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


def deferred(body: dict[str, Any]) -> bool:
    """A slash command: acknowledged before its claim is known (its ack carries nothing)."""
    return bool(body.get("command")) and not body.get("type")


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


async def taken_in(context: dict[str, Any]) -> bool:
    """After ``ack()``, before any side effect: False when another process already took this
    request in (the listener then does nothing). True for a request whose claim was not deferred."""
    claim = context.get(CLAIM)
    if not isinstance(claim, Deferred):
        return True
    first = await claim.first
    if not first:
        log.info("Slack request %s already taken in by another process; dropped after its ack", claim.key)
    return first


def register(bolt: AsyncApp, app: Services, by_trigger: ByTrigger) -> None:
    recent = RecentKeys()
    batches = ClaimBatches(app)

    async def once(
        req: AsyncBoltRequest,
        body: dict[str, Any],
        next: Callable[[], Awaitable[None]],
    ) -> BoltResponse | None:
        key = request_key(body, req.raw_body)
        if key is None:
            await next()
            return None
        if recent.add(key):
            if deferred(body):
                now = not by_trigger(body)
                req.context[CLAIM] = Deferred(key, partial(_is_first, app, key), batches, start=now)
                await next()
                return None
            if await _is_first(app, key):
                await next()
                return None
        log.info("Slack request %s delivered again (retry %s); already taken in", key, retry_num(req))
        acks.mark_answered(req.context)  # answered here, in milliseconds: no late-ack warning
        return BoltResponse(status=200, body="")

    bolt.middleware(once)
