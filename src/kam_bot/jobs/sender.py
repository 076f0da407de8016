"""The outbox sender: claim due rows, deliver, record the outcome. Never sleeps the event loop.

Database work runs in worker threads (``asyncio.to_thread``); only the platform call is
awaited on the loop. Per row:

- sent: marked right after the platform call returns, in its own commit;
- 429 / ``RateLimitedError``: the row is due again after ``Retry-After`` (at least 1 s), the
  attempt is not counted, and the rest of the batch for that platform waits as long (a short
  pause within the run, a long one by releasing the rows) — the sender never hammers a limited
  API; the pace then settles just under the limit the 429 revealed (``Pace``);
- ``TransientError``: counted; retried after exponential backoff with jitter
  (``base * 2**(n-1)``, capped, times a random factor in [0.5, 1]); dead after ``max_attempts``;
- ``PermanentError``: dead at once, with the platform's error as ``last_error``;
- the lease: a claim holds for the whole batch at the current pace and marks its rows in flight
  (``lease.claim``), and the promises of the batch's messages are read once with it; a row whose
  claim has less than ``lease_for`` left when its turn comes is renewed first
  (``lease.renew``), and again right before the platform call when the pace's wait has left it
  less than half of that; a claim taken over in the meantime is not sent (``lease_lost_before_send``).
  A "sent" that finds the claim taken over is recorded (``lease_lost_after_send``): the other
  sender's history check finds the message;
- a row an earlier sender started to send (``sending_at`` set: it crashed, or its call timed
  out) is first looked for in the conversation's history (``HistoryLookup.find``): found, it
  is marked sent with that reference (``found_in_history``) instead of being posted again;
  not found (it never landed, or it lies beyond the pages read, or the history lags), it is
  sent again and recorded as a possible repeat (``not_found_in_history``);
- before sending, promises the message lists are looked up again: one done, cancelled (or
  snoozed, where it had buttons) since the decision is dropped; if nothing is left the row
  is ``skipped``; a message past its ``expires_at`` is ``skipped`` too (a daily DM is never
  sent after its day).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Reply
from kam_bot.jobs.context import JobsContext
from kam_bot.jobs.delivery import (
    Deliverer,
    DeliveryError,
    HistoryLookup,
    Outgoing,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from kam_bot.jobs.notifications import Notification
from kam_bot.jobs.pace import Pace
from kam_bot.store import lease

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
MIN_RETRY_AFTER = 1.0


def instance_name() -> str:
    """``host:pid``: who holds a claim, for people reading the outbox table."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class SendStats:
    sent: int = 0
    rate_limited: int = 0
    retried: int = 0
    dead: int = 0
    skipped: int = 0
    released: int = 0
    found: int = 0
    """Rows an interrupted earlier send had delivered: marked sent without posting again."""
    lost: int = 0
    """Rows whose claim another sender had taken over before the call: left to it."""

    def total(self) -> int:
        return (
            self.sent
            + self.rate_limited
            + self.retried
            + self.dead
            + self.skipped
            + self.released
            + self.lost
        )


@dataclass
class Backoff:
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempts: int) -> timedelta:
        raw: timedelta = min(self.cap, self.base * 2 ** max(0, attempts - 1))
        return raw * (0.5 + 0.5 * self.rng.random())


MAX_BATCHES = 1000
"""Batches one run claims at most (20,000 rows at the default batch)."""
MAX_WAIT = 2.0
"""A platform pause (Retry-After) up to this long is waited out within the run; a longer one
releases the rows still waiting, due again when it ends."""


class Sender:
    def __init__(
        self,
        ctx: JobsContext,
        deliverers: Mapping[str, Deliverer],
        *,
        instance: str | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        batch: int = 20,
        lease_for: timedelta = lease.DEFAULT_LEASE,
        pace: float = 0.0,
        backoff: Backoff | None = None,
        concurrency: int = 1,
    ) -> None:
        self.clock = ctx.clock
        self.leases = ctx.store.leases
        self.deliverers = dict(deliverers)
        self.instance = instance or instance_name()
        self.max_attempts = max_attempts
        self.batch = batch
        self.lease_for = lease_for
        self._pace = Pace(pace)
        """Seconds between two sends (asyncio.sleep): a gentle pace under the platform's limits,
        adapted to its 429s (``Pace``)."""
        self.backoff = backoff or Backoff()
        self.concurrency = max(1, concurrency)
        """Sends in flight at once: each waits on the network and the database, not the CPU."""
        self._paused: dict[str, datetime] = {}
        self._next_start = 0.0
        self._resume_at: dict[str, float] = {}
        """Platform -> loop time its short pause ends."""
        self._put_back: float | None = None
        """Loop time the rows a short pause put back in this run are due again."""
        self._states: dict[int, dict[int, tuple[str, date | None]]] = {}
        """Row id -> the states of the promises its message lists, read with its batch."""
        self._held_until: dict[int, datetime] = {}
        """Row id -> until when its claim was last known to hold (claimed or renewed)."""

    @property
    def pace(self) -> float:
        """The current seconds between two send starts."""
        return self._pace.interval

    @pace.setter
    def pace(self, seconds: float) -> None:
        self._pace.interval = seconds
        self._pace.fastest = min(self._pace.fastest, seconds)

    # -- the loop -----------------------------------------------------------------------

    async def run_once(
        self, should_stop: Callable[[], bool] = lambda: False, max_batches: int = MAX_BATCHES
    ) -> SendStats:
        """Send what is due now, batch after batch, until nothing is due (or ``should_stop``).

        The next batch is claimed while the last few sends of this one are still waiting their
        turn, so the pace never stalls between batches. Rows a short 429 pause put back are sent
        when it ends, in this run: not one scheduler interval later."""
        stats = SendStats()
        loop = asyncio.get_running_loop()
        claimed = 0
        while claimed < max_batches and not should_stop():
            self._put_back = None
            claimed += await self._drain(stats, should_stop, max_batches - claimed)
            if self._put_back is None:
                break
            await asyncio.sleep(max(0.0, self._put_back - loop.time()))
        return stats

    async def _drain(self, stats: SendStats, should_stop: Callable[[], bool], max_batches: int) -> int:
        """Claim and send batch after batch until a claim comes back short; how many claims."""
        slots = asyncio.Semaphore(self.concurrency)
        running: list[asyncio.Task[None]] = []
        claims = 0
        while claims < max_batches and not should_stop():
            claims += 1
            batch = await asyncio.to_thread(self.claim, self.clock())
            self._states.update(await asyncio.to_thread(self._batch_states, batch))
            started = [asyncio.Event() for _ in batch]
            running += [
                asyncio.create_task(self._send(item, event, slots, stats, should_stop))
                for item, event in zip(batch, started, strict=True)
            ]
            if len(batch) < self.batch:
                break
            await started[max(0, len(batch) - 1 - self.concurrency)].wait()
        await asyncio.gather(*running)
        return claims

    async def _send(
        self,
        item: lease.Claimed,
        started: asyncio.Event,
        slots: asyncio.Semaphore,
        stats: SendStats,
        should_stop: Callable[[], bool],
    ) -> None:
        try:
            async with slots:
                started.set()
                # a short pause is waited out right before the platform call (``_paced``)
                if should_stop() or self._held(item.platform, longer_than=MAX_WAIT):
                    paused, now = self._paused.get(item.platform), self.clock()
                    await asyncio.to_thread(self.leases.release, item, max(paused or now, now))
                    stats.released += 1
                    return
                await self._one(item, stats)
        finally:
            self._states.pop(item.id, None)
            self._held_until.pop(item.id, None)
            started.set()

    def _held(self, platform: str, longer_than: float = 0.0) -> bool:
        """Whether the platform asked us to pause (429) for more than ``longer_than`` seconds yet."""
        paused = self._paused.get(platform)
        return paused is not None and paused > self.clock() + timedelta(seconds=longer_than)

    async def _paced(self, platform: str) -> None:
        """Call the platform at most once per ``pace`` seconds, whatever the concurrency, and not
        during a short platform pause (a 429's Retry-After). The wait is right before the call,
        after the database work of the send, so that work's latency cannot bunch the calls up."""
        loop = asyncio.get_running_loop()
        await self._turn(loop, loop.time())
        resume = self._resume_at.get(platform, 0.0)
        if resume > loop.time():  # a pause began while this send waited: a new turn after it
            await self._turn(loop, resume)
        self._pace.started(loop.time())

    async def _turn(self, loop: asyncio.AbstractEventLoop, earliest: float) -> None:
        """Wait for the next free slot from ``earliest`` on (slots ``pace`` apart)."""
        start = max(earliest, self._next_start)
        self._next_start = start + self.pace
        if start > loop.time():
            await asyncio.sleep(start - loop.time())
        while (wait := self._pace.room(loop.time())) > 0:  # no window fuller than the limit
            await asyncio.sleep(wait)

    def claim(self, now: datetime, limit: int | None = None) -> list[lease.Claimed]:
        """Claim due rows without sending them (the loop uses it; tests simulate a dying sender)."""
        token = f"{self.instance}:{uuid.uuid4().hex[:12]}"
        platforms = sorted(self.deliverers)
        if not platforms:
            return []
        return self.leases.claim(now, platforms, token, limit or self.batch, self.batch_lease(limit))

    def batch_lease(self, limit: int | None = None) -> timedelta:
        """Long enough for the whole batch at the current pace, twice over, plus two sends' leases:
        each send starts with at least ``lease_for`` of its claim left (a send whose claim has less
        renews it first, one more trip)."""
        waiting = 2 * (limit or self.batch) * self.pace
        return 2 * self.lease_for + timedelta(seconds=waiting)

    # -- one row ------------------------------------------------------------------------

    def _batch_states(self, batch: list[lease.Claimed]) -> dict[int, dict[int, tuple[str, date | None]]]:
        """The promise states every message of a batch lists, in one read (rows looked for in the
        history first read theirs when they send)."""
        wanted = {
            item.id: _promise_ids(item.payload)
            for item in batch
            if item.sending_at is None or item.message_ref is not None
        }
        every = set().union(*wanted.values()) if wanted else set()
        found = self.leases.promise_states(every) if every else {}
        return {i: {p: found[p] for p in ids if p in found} for i, ids in wanted.items()}

    def _ready(self, item: lease.Claimed, now: datetime) -> Outgoing | str | None:
        """The message to send now, from the promise states read with its batch, while the claim
        holds for at least a send's lease (``lease_for``); else the claim is renewed in the
        database first (None: another sender has taken it over: do not send)."""
        states = self._states.pop(item.id, None)
        until = item.claimed_until
        if states is None or until is None or until - now < self.lease_for:
            return self._renew_and_prepare(item, now)
        self._held_until[item.id] = until
        return self._prepare(item, now, states=states)

    def _incident(self, item: lease.Claimed, kind: str, detail: str | None = None) -> None:
        log.warning("outbox %s: %s%s", item.key, kind, f" ({detail})" if detail else "")
        self.leases.record_incident(item, kind, self.instance, self.clock(), detail)

    async def _one(self, item: lease.Claimed, stats: SendStats) -> None:
        deliverer = self.deliverers[item.platform]
        if item.sending_at is None or item.message_ref is not None:
            # nothing to look back for: the claim marked it in flight; the batch read its promises
            ready = await asyncio.to_thread(self._ready, item, self.clock())
            if ready is None:
                await asyncio.to_thread(self._incident, item, lease.LEASE_LOST_BEFORE_SEND, item.token)
                stats.lost += 1
            elif isinstance(ready, str):
                await asyncio.to_thread(self.leases.mark_skipped, item, ready)
                stats.skipped += 1
            else:
                await self._deliver(deliverer, item, ready, stats)
            return
        if not await self._renewed(item):
            await asyncio.to_thread(self._incident, item, lease.LEASE_LOST_BEFORE_SEND, item.token)
            stats.lost += 1
            return
        looked = False
        try:
            if item.sending_at is not None and item.message_ref is None:
                as_first_sent = await asyncio.to_thread(self._prepare, item, self.clock(), False)
                assert not isinstance(as_first_sent, str)
                earlier, looked = await self._look_back(deliverer, item, as_first_sent)
                if earlier is not None:
                    await self._found(item, earlier, as_first_sent, deliverer, stats)
                    return
        except (RateLimitedError, TransientError) as exc:
            at = self.clock() + timedelta(seconds=MIN_RETRY_AFTER)
            await asyncio.to_thread(self.leases.reschedule, item, at, exc.reason, item.attempts)
            stats.released += 1
            return
        prepared = await asyncio.to_thread(self._prepare, item, self.clock())
        if isinstance(prepared, str):
            await asyncio.to_thread(self.leases.mark_skipped, item, prepared)
            stats.skipped += 1
            return
        if looked:  # the history had no trace of the first send: it may still have landed
            detail = f"in flight since {item.sending_at}; not in the history read; sent again"
            await asyncio.to_thread(self._incident, item, lease.NOT_FOUND_IN_HISTORY, detail)
        await self._deliver(deliverer, item, prepared, stats)

    async def _deliver(
        self, deliverer: Deliverer, item: lease.Claimed, prepared: Outgoing, stats: SendStats
    ) -> None:
        async def checkpoint(ref: str) -> None:
            await asyncio.to_thread(self.leases.checkpoint, item, ref)

        await self._paced(item.platform)
        if self._held(item.platform):  # a long pause began while this one waited: nothing posted
            until = self._paused[item.platform]
            await asyncio.to_thread(self.leases.reschedule, item, until, None, item.attempts, True)
            stats.released += 1
            return
        if not await self._holds_for_the_call(item):
            await asyncio.to_thread(self._incident, item, lease.LEASE_LOST_BEFORE_SEND, item.token)
            stats.lost += 1
            return
        try:
            ref = await deliverer.deliver(prepared, checkpoint)
        except RateLimitedError as exc:
            wait = max(MIN_RETRY_AFTER, exc.retry_after)
            until = self.clock() + timedelta(seconds=wait)
            self._paused[item.platform] = until
            loop = asyncio.get_running_loop()
            self._pace.limited(loop.time(), wait)
            if wait <= MAX_WAIT:  # the next turns start after the pause, one pace apart
                self._resume_at[item.platform] = loop.time() + wait
                self._next_start = max(self._next_start, loop.time() + wait)
                self._put_back = max(self._put_back or 0.0, loop.time() + wait)
            await asyncio.to_thread(
                self.leases.reschedule, item, until, exc.reason, item.attempts, exc.nothing_posted
            )
            stats.rate_limited += 1
            log.info("outbox %s: rate limited, again at %s", item.key, until.isoformat())
        except PermanentError as exc:
            await asyncio.to_thread(self.leases.mark_dead, item, exc.reason, item.attempts + 1)
            stats.dead += 1
            log.warning("outbox %s: dead (%s)", item.key, exc.reason)
        except Exception as exc:  # TransientError, or a bug in a deliverer: counted and retried
            reason = exc.reason if isinstance(exc, TransientError) else f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, TransientError):
                log.exception("outbox %s: unexpected error", item.key)
            nothing_posted = isinstance(exc, DeliveryError) and exc.nothing_posted
            await self._failed(item, reason, stats, nothing_posted)
        else:
            self._pace.sent(asyncio.get_running_loop().time())
            await self._sent(item, ref, stats)

    async def _renewed(self, item: lease.Claimed) -> bool:
        """The claim renewed for a send's lease (False: another sender has taken it over)."""
        now = self.clock()
        if not await asyncio.to_thread(self.leases.renew, item, now, self.lease_for):
            return False
        self._held_until[item.id] = now + self.lease_for
        return True

    async def _holds_for_the_call(self, item: lease.Claimed) -> bool:
        """Right before the platform call, after the pace's wait: a claim with less than half a
        send's lease left is renewed first. The check before the wait left a whole lease, but a
        pace slowed by 429s or a starved event loop can outlast it, and another sender that took
        the row over meanwhile would send it too."""
        until = self._held_until.get(item.id)
        if until is not None and until - self.clock() >= self.lease_for / 2:
            return True
        return await self._renewed(item)

    async def _sent(self, item: lease.Claimed, ref: str | None, stats: SendStats) -> None:
        if await asyncio.to_thread(self.leases.mark_sent, item, self.clock(), ref):
            stats.sent += 1
            return
        await asyncio.to_thread(self._incident, item, lease.LEASE_LOST_AFTER_SEND, ref)
        stats.lost += 1

    async def _look_back(
        self, deliverer: Deliverer, item: lease.Claimed, message: Outgoing
    ) -> tuple[str | None, bool]:
        """An earlier send of this row may have landed: where, if it did (None: send it), and
        whether the history was read (False: unavailable, already recorded as such)."""
        if not isinstance(deliverer, HistoryLookup):
            detail = f"{item.platform} cannot look back; in flight since {item.sending_at}"
            await asyncio.to_thread(self._incident, item, lease.HISTORY_UNAVAILABLE, detail)
            return None, False
        try:
            return await deliverer.find(message), True
        except PermanentError as exc:  # e.g. missing_scope: the app was not re-installed with it
            await asyncio.to_thread(self._incident, item, lease.HISTORY_UNAVAILABLE, exc.reason)
            return None, False

    async def _found(
        self, item: lease.Claimed, ref: str, message: Outgoing, deliverer: Deliverer, stats: SendStats
    ) -> None:
        """Recorded as sent where it landed; a digest's charts still follow if they were not posted."""
        await asyncio.to_thread(self._incident, item, lease.FOUND_IN_HISTORY, ref)
        stats.found += 1
        if not message.charts:
            if not await asyncio.to_thread(self.leases.mark_sent, item, self.clock(), ref):
                await asyncio.to_thread(self._incident, item, lease.LEASE_LOST_AFTER_SEND, ref)
            return
        await asyncio.to_thread(self.leases.checkpoint, item, ref)
        await self._deliver(deliverer, item, replace(message, message_ref=ref), stats)

    async def _failed(
        self, item: lease.Claimed, reason: str, stats: SendStats, nothing_posted: bool = False
    ) -> None:
        attempts = item.attempts + 1
        if attempts >= self.max_attempts:
            await asyncio.to_thread(self.leases.mark_dead, item, reason, attempts)
            stats.dead += 1
            log.warning("outbox %s: dead after %d attempts (%s)", item.key, attempts, reason)
            return
        at = self.clock() + self.backoff.delay(attempts)
        await asyncio.to_thread(self.leases.reschedule, item, at, reason, attempts, nothing_posted)
        stats.retried += 1

    def _prepare(
        self,
        item: lease.Claimed,
        now: datetime,
        prune: bool = True,
        states: Mapping[int, tuple[str, date | None]] | None = None,
    ) -> Outgoing | str:
        """The message as it should go out now, or why it should not (``expired``, ``nothing_left``).
        Without ``prune``: the message as it was decided (to look for an earlier send of it)."""
        payload = item.payload
        expires = payload.get("expires_at")
        prune = prune and item.message_ref is None
        if prune and expires and datetime.fromisoformat(expires) <= now:
            return "expired"
        locale = Locale(payload.get("locale") or Locale.EN.value)
        raw_note = payload.get("notification")
        note = Notification.model_validate(raw_note) if raw_note else None
        if note is not None and prune and note.promise_ids():
            gone, snoozed = self._promise_changes(note, states)
            if gone or snoozed:
                note = note.without(gone, snoozed)
                if note.is_empty():
                    return "nothing_left"
        # rows decided before the payload lost its stored Reply still carry one
        reply = note.to_reply() if note is not None else Reply.model_validate(payload["reply"])
        return Outgoing(
            kind=item.kind,
            recipient=item.recipient,
            reply=reply,
            locale=locale,
            charts=tuple(note.charts) if note else (),
            message_ref=item.message_ref,
            key=item.key,
        )

    def _renew_and_prepare(self, item: lease.Claimed, now: datetime) -> Outgoing | str | None:
        """``leases.renew`` then ``_prepare`` in one session (None: the claim was taken over)."""
        states = self.leases.renew_and_read(item, now, self.lease_for, _promise_ids(item.payload))
        if states is None:
            return None
        self._held_until[item.id] = now + self.lease_for
        return self._prepare(item, now, states=states)

    def _promise_changes(
        self, note: Notification, states: Mapping[int, tuple[str, date | None]] | None = None
    ) -> tuple[set[int], set[int]]:
        found = self.leases.promise_states(note.promise_ids()) if states is None else states
        gone = {pid for pid in note.promise_ids() if pid not in found or found[pid][0] != "open"}
        snoozed = {pid for pid, (_, until) in found.items() if until is not None and until > note.today}
        return gone, snoozed


def _promise_ids(payload: Mapping[str, Any]) -> set[int]:
    """The promises a payload's notification lists (read from the payload: no model built)."""
    note = payload.get("notification") or {}
    return {int(i["promise"]["id"]) for part in note.get("parts", []) for i in part.get("promises", [])}
