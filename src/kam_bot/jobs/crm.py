"""The CRM deliverer: pushes the outbox's change rows to the CRM, exactly once per record.

It claims rows of its CRM (``platform`` = the CRM's name) under the same leases as the chat
sender (``store.lease``): a claim, a renewal right before the CRM call (which marks the row
``sending_at``), and every outcome conditioned on still holding the claim. Per row:

- the record is read as it is *now* and pushed (an edit, Done, Undo reach the CRM record);
  a deleted one is removed from the CRM when it was ever pushed;
- the CRM id is stored on our side (``crm_links``) before the row is marked sent, and every
  later push of the record updates that CRM record;
- a create holds the record's link row, so a second worker with another row of the same
  record waits for the id instead of creating a twin; a holder that died (kill -9) lets go
  when its hold expires, and the next pusher first asks the CRM (``CrmPort.find``, by
  kam-bot's external id) whether the create had landed;
- ``RateLimitedError``: the row is due again after Retry-After (not counted as an attempt),
  every push of this process pauses as long, and the pace settles under the limit (``Pace``);
- ``CredentialRevokedError``: the sync stops (one log line, one DM to each admin), no row is
  lost or counted; each run then asks the CRM (``check``) and resumes once it answers;
- ``RecordRejectedError``: the row is dead with the CRM's reason (`kam-bot crm status`);
- anything else: retried with backoff, dead after ``max_attempts``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from kam_bot.domain.crm_records import EntityKind, RecordKey
from kam_bot.handlers.replies import Reply
from kam_bot.i18n import t
from kam_bot.jobs import crm_records, outbox
from kam_bot.jobs.crm_port import (
    CredentialRevokedError,
    CrmError,
    CrmPort,
    RateLimitedError,
    RecordRejectedError,
)
from kam_bot.jobs.pace import Pace
from kam_bot.jobs.sender import MIN_RETRY_AFTER, Backoff, instance_name
from kam_bot.services.ports import Clock
from kam_bot.store import lease
from kam_bot.store.crm import BUSY, TAKEN_OVER, PullResult, SqlCrmStore
from kam_bot.store.jobs import SqlJobsStore

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BUSY_WAIT = timedelta(seconds=2)
"""Another worker is creating the same record: look again this much later."""
STOPPED_RETRY = timedelta(minutes=1)
MAX_WAIT = 2.0
"""A Retry-After up to this long is waited out within the run; longer releases the batch."""


class _BusyError(Exception):
    pass


@dataclass
class CrmStats:
    pushed: int = 0
    removed: int = 0
    found: int = 0
    """Creates an interrupted push had made, found in the CRM instead of created again."""
    rate_limited: int = 0
    retried: int = 0
    dead: int = 0
    waited: int = 0
    released: int = 0
    lost: int = 0
    stopped: bool = False


Notify = Callable[[str, datetime], None]
"""Tell the admins the sync stopped (reason, when)."""


class CrmSync:
    def __init__(
        self,
        port: CrmPort,
        store: SqlCrmStore,
        leases: lease.SqlLeases,
        clock: Clock,
        *,
        notify: Notify | None = None,
        instance: str | None = None,
        batch: int = 20,
        lease_for: timedelta = lease.DEFAULT_LEASE,
        pace: float = 0.0,
        concurrency: int = 4,
        max_attempts: int = MAX_ATTEMPTS,
        backoff: Backoff | None = None,
    ) -> None:
        self.port = port
        self.store = store
        self.leases = leases
        self.clock = clock
        self.notify = notify
        self.instance = instance or instance_name()
        self.batch = batch
        self.lease_for = lease_for
        self.concurrency = max(1, concurrency)
        self.max_attempts = max_attempts
        self.backoff = backoff or Backoff()
        self._pace = Pace(pace)
        self._lock = threading.Lock()
        self._next_start = 0.0
        self._paused_until = 0.0
        """Monotonic time before which no call starts (a Retry-After)."""
        self._next_check = 0.0
        """While stopped: when to ask the CRM again whether it takes the credentials (once a minute)."""

    @property
    def name(self) -> str:
        return self.port.name

    # -- the loop -----------------------------------------------------------------------

    def run_once(self, should_stop: Callable[[], bool] = lambda: False, max_batches: int = 1000) -> CrmStats:
        """Push what is due now, batch after batch (blocking: run it in a thread)."""
        stats = CrmStats()
        if not self._may_run():
            stats.stopped = True
            return stats
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix=f"crm-{self.name}") as pool:
            for _ in range(max_batches):
                if should_stop() or self.store.state().stopped_reason:
                    break
                token = f"{self.instance}:{uuid.uuid4().hex[:12]}"
                batch_lease = self.lease_for + timedelta(seconds=2 * self.batch * self._pace.interval)
                claimed = self.leases.claim(self.clock(), [self.name], token, self.batch, batch_lease)
                list(pool.map(lambda item: self._one(item, stats, should_stop), claimed))
                if len(claimed) < self.batch:
                    break
        stats.stopped = self.store.state().stopped_reason is not None
        return stats

    def _may_run(self) -> bool:
        """False while the credentials are refused; a stop ends once the CRM answers again."""
        state = self.store.state()
        if state.stopped_reason is None:
            return True
        if time.monotonic() < self._next_check:
            return False
        self._next_check = time.monotonic() + STOPPED_RETRY.total_seconds()
        try:
            self.port.check()
        except CrmError:
            return False
        if self.store.resume():
            log.warning("CRM sync resumed: %s accepts kam-bot's credentials again", self.name)
        return True

    # -- pace --------------------------------------------------------------------------

    def _wait_turn(self) -> bool:
        """Sleep until this call may start; False when a long pause means: release the row."""
        with self._lock:
            now = time.monotonic()
            if self._paused_until - now > MAX_WAIT:
                return False
            start = max(now, self._next_start, self._paused_until)
            self._next_start = start + self._pace.interval
        if start > now:
            time.sleep(start - now)
        return True

    def _limited(self, retry_after: float) -> None:
        with self._lock:
            now = time.monotonic()
            self._pace.limited(now, retry_after)
            self._paused_until = max(self._paused_until, now + retry_after)
            self._next_start = max(self._next_start, self._paused_until)

    def pause_over(self) -> None:
        """Forget this process's own pause after a rate limit, and start its pace afresh (what a
        new process sees; the rows still wait for their Retry-After in the outbox)."""
        with self._lock:
            self._paused_until = self._next_start = 0.0
            self._pace = Pace(self._pace.fastest)

    def _sent(self) -> None:
        with self._lock:
            self._pace.sent(time.monotonic())

    # -- one row ------------------------------------------------------------------------

    def _one(self, item: lease.Claimed, stats: CrmStats, should_stop: Callable[[], bool]) -> None:
        try:
            if should_stop() or self.store.state().stopped_reason or not self._wait_turn():
                at = self.clock() + timedelta(seconds=max(MIN_RETRY_AFTER, self._pause_left()))
                self.leases.reschedule(item, at, None, item.attempts)
                stats.released += 1
                return
            if not self.leases.renew(item, self.clock(), self.lease_for):
                self._incident(item, lease.LEASE_LOST_BEFORE_SEND, item.token)
                stats.lost += 1
                return
            self._push_row(item, stats)
        except Exception:  # a bug must not kill the pool's other rows
            log.exception("CRM %s: unexpected error on %s", self.name, item.key)

    def _pause_left(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())

    def _incident(self, item: lease.Claimed, kind: str, detail: str | None = None) -> None:
        log.warning("CRM %s %s: %s%s", self.name, item.key, kind, f" ({detail})" if detail else "")
        self.leases.record_incident(item, kind, self.instance, self.clock(), detail)

    def _push_row(self, item: lease.Claimed, stats: CrmStats) -> None:
        now = self.clock()
        try:
            ref = self._push(item, stats)
        except _BusyError:
            self.leases.reschedule(item, now + BUSY_WAIT, "waiting_for_create", item.attempts, True)
            stats.waited += 1
        except RateLimitedError as exc:
            wait = max(MIN_RETRY_AFTER, exc.retry_after)
            self._limited(wait)
            until = now + timedelta(seconds=wait)
            self.store.limited(until, exc.reason)
            self.leases.reschedule(item, until, exc.reason, item.attempts, True)
            stats.rate_limited += 1
            log.info("CRM %s rate limited (%s): again at %s", self.name, exc.reason, until.isoformat())
        except CredentialRevokedError as exc:
            self.leases.reschedule(item, now + STOPPED_RETRY, exc.reason, item.attempts, True)
            self.stop(exc, now)
            stats.released += 1
        except RecordRejectedError as exc:
            self.leases.mark_dead(item, str(exc)[:500], item.attempts + 1)
            stats.dead += 1
            log.warning("CRM %s %s: rejected (%s)", self.name, item.key, exc)
        except Exception as exc:  # CrmUnavailableError, a client's own error: counted, retried
            reason = str(exc)[:500] if isinstance(exc, CrmError) else f"{type(exc).__name__}: {exc}"[:500]
            self._failed(item, reason, stats)
        else:
            self._sent()
            if self.leases.mark_sent(item, self.clock(), ref):
                stats.pushed += 1
            else:
                self._incident(item, lease.LEASE_LOST_AFTER_SEND, ref)
                stats.lost += 1

    def stop(self, exc: CredentialRevokedError, now: datetime) -> None:
        """Stop the sync (once: the log line and the admins' DM come from the process that stops it)."""
        if self.store.stop(exc.reason, now):
            log.error(
                "CRM sync stopped: %s refused kam-bot's credentials (%s); nothing is lost, "
                "it resumes once they work again",
                self.name,
                exc.reason,
            )
            if self.notify is not None:
                self.notify(exc.reason, now)

    def _failed(self, item: lease.Claimed, reason: str, stats: CrmStats) -> None:
        attempts = item.attempts + 1
        if attempts >= self.max_attempts:
            self.leases.mark_dead(item, reason, attempts)
            stats.dead += 1
            log.warning("CRM %s %s: dead after %d attempts (%s)", self.name, item.key, attempts, reason)
            return
        self.leases.reschedule(item, self.clock() + self.backoff.delay(attempts), reason, attempts)
        stats.retried += 1

    def _push(self, item: lease.Claimed, stats: CrmStats) -> str | None:
        kind = cast(EntityKind, item.payload["entity"])
        entity_id = int(item.payload["id"])
        snap = self.store.snapshot(kind, entity_id)
        link = self.store.link(kind, entity_id)
        now = self.clock()
        if snap is None:  # deleted in kam-bot
            if link is None or link.removed:
                return None
            if link.crm_id is None:
                if link.pushing_until is not None and link.pushing_until >= now:
                    raise _BusyError
                return None
            self.port.remove(RecordKey(kind, entity_id), link.crm_id)
            self.store.mark_removed(kind, entity_id, self.clock())
            stats.removed += 1
            return link.crm_id
        record = crm_records.build(kind, snap)
        if link is not None and link.crm_id is not None:
            crm_id = self.port.push(record, link.crm_id)
            if crm_id != link.crm_id:
                self.store.set_link(kind, entity_id, crm_id, self.clock())
            return crm_id
        # The hold is this row's, not its batch's: two rows of one record claimed in one batch
        # share the claim token, and the second must wait for the first's create, not repeat it.
        holder = f"{item.token}:{item.id}"
        held = self.store.reserve(kind, entity_id, holder, now, now + self.lease_for)
        if held == BUSY:
            raise _BusyError
        try:
            found = None
            if held == TAKEN_OVER or item.sending_at is not None:
                found = self.port.find(record)
            if found is not None:
                self._incident(item, lease.FOUND_IN_HISTORY, found)
                stats.found += 1
                self.store.set_link(kind, entity_id, found, self.clock())
                return self.port.push(record, found)
            crm_id = self.port.push(record, None)
        except BaseException:  # let go at once: the next pusher asks the CRM (find) before creating
            self.store.release(kind, entity_id, holder)
            raise
        self.store.set_link(kind, entity_id, crm_id, self.clock())
        return crm_id


# -- pull and the admins' DM -------------------------------------------------------------


def pull(port: CrmPort, store: SqlCrmStore, clock: Clock, *, full: bool = False) -> PullResult:
    """Import what changed in the CRM since the last pull (``full``: everything)."""
    started = clock()
    since = None if full else store.state().last_pull_at
    if since is not None:
        since -= PULL_OVERLAP
    result = store.apply_pull(port.pull(since), clock())
    store.pulled(started, result.summary())
    log.info("CRM %s pull: %s", port.name, result.summary())
    return result


PULL_OVERLAP = timedelta(minutes=10)
"""A pull asks for changes since the last one started, less this (clocks differ)."""


@dataclass(frozen=True)
class CrmJobs:
    """What `kam-bot serve` runs for the CRM (``jobs.context.Follower``): the push loop every
    poll, and the pull each night (claimed once across processes)."""

    sync: CrmSync
    port: CrmPort
    store: SqlCrmStore
    clock: Clock

    @property
    def name(self) -> str:
        return self.port.name

    def push(self, should_stop: Callable[[], bool]) -> CrmStats:
        return self.sync.run_once(should_stop)

    def pull(self, full: bool = False) -> PullResult:
        return pull(self.port, self.store, self.clock, full=full)

    def nightly(self, instance: str) -> PullResult | None:
        """The night's pull, by whichever process claims the night first."""
        now = self.clock()
        if not self.store.claim_pull(now.date().isoformat(), instance, now):
            return None
        try:
            return self.pull()
        except CredentialRevokedError as exc:
            self.sync.stop(exc, now)
        except CrmError as exc:
            log.warning("CRM %s nightly pull failed: %s; `kam-bot crm pull` tries again", self.name, exc)
        return None


def admin_notifier(jobs: SqlJobsStore, platforms: tuple[str, ...], store: SqlCrmStore, crm: str) -> Notify:
    """Queue one DM per admin saying the sync stopped and how to fix it (once per stop)."""

    def notify(reason: str, at: datetime) -> None:
        with jobs.transaction() as tx:
            messages = []
            for admin in store.admins():
                text = t("crm.stopped", admin.locale, crm=crm, reason=reason)
                body = {
                    "reply": Reply.text(text, ok=False).model_dump(mode="json"),
                    "locale": admin.locale.value,
                    "expires_at": None,
                }
                key = outbox.key("crm_stopped", f"u{admin.id}", at.isoformat(timespec="seconds"))
                messages.append(outbox.dm_message(key, "crm_stopped", admin, platforms, body))
            tx.enqueue_many(messages, at)
            tx.commit()

    return notify
