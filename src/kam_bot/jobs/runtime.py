"""APScheduler wiring inside `kam-bot serve`: three jobs with stable ids, one event loop.

- ``kam.reminders``  every 5 minutes on the clock (:00, :05, ...): ``scheduler.reminder_tick``;
- ``kam.digests``    every 15 minutes on the clock: ``scheduler.digest_tick``;
- ``kam.outbox``     every 5 seconds: ``Sender.run_once``;
- ``kam.crm``        with a CRM (``JobsContext.follower``): every 5 seconds its push, and
  ``kam.crm_pull`` at 02:00 UTC its pull (one process per night).

``replace_existing=True`` and fixed ids mean a restart never doubles a job; ``max_instances=1``
and ``coalesce=True`` mean a slow run is never overlapped by its own next run in one process.
Across processes, the slot claims and the outbox keys do that job (see ``slots``, ``outbox``).
APScheduler's own job store stays in memory: nothing is pickled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from kam_bot.jobs.context import JobsContext
from kam_bot.jobs.delivery import Deliverer
from kam_bot.jobs.scheduler import digest_tick, reminder_tick
from kam_bot.jobs.sender import Sender, instance_name
from kam_bot.logs import OncePer, outage_kind

log = logging.getLogger(__name__)
_SAID = OncePer(60.0)

SEND_EVERY_SECONDS = 5
SEND_PACE_SECONDS = 0.02
"""At most about 50 messages a second from one process. Each DM is its own channel, so Slack's
one-per-second-per-channel limit does not bind; its workspace limit answers 429 + Retry-After,
which pauses the sender for that long."""
SEND_CONCURRENCY = 8
DRAIN_SECONDS = 20.0


class JobRunner:
    """The callables the scheduler fires, with what stopping cleanly needs."""

    def __init__(
        self, ctx: JobsContext, deliverers: Mapping[str, Deliverer], instance: str | None = None
    ) -> None:
        self.ctx = ctx
        self.instance = instance or instance_name()
        settings = ctx.settings
        self.sender = Sender(
            ctx,
            deliverers,
            instance=self.instance,
            pace=settings.outbox_pace_seconds,
            concurrency=settings.outbox_concurrency,
            batch=settings.outbox_batch,
            lease_for=timedelta(seconds=settings.outbox_lease_seconds),
        )
        self._stopping = False
        self._running: set[asyncio.Task[Any]] = set()

    async def _guarded(self, name: str, work: Callable[[], Awaitable[object]]) -> None:
        if self._stopping:
            return
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            await work()
        except Exception as exc:
            if (outage := outage_kind(exc)) is None:
                log.exception("job %s failed", name)
            else:  # every run fails the same way until the database is back: one line a minute
                _SAID.log(log, logging.ERROR, f"{name}:{outage}", "job %s failed: %s", name, outage)
        finally:
            if task is not None:
                self._running.discard(task)

    async def reminders(self) -> None:
        await self._guarded(
            "reminders", lambda: asyncio.to_thread(reminder_tick, self.ctx, self.ctx.clock(), self.instance)
        )

    async def digests(self) -> None:
        await self._guarded(
            "digests", lambda: asyncio.to_thread(digest_tick, self.ctx, self.ctx.clock(), self.instance)
        )

    async def send(self) -> None:
        await self._guarded("outbox", lambda: self.sender.run_once(should_stop=lambda: self._stopping))

    async def crm_push(self) -> None:
        follower = self.ctx.follower
        if follower is not None:
            stop = lambda: self._stopping  # noqa: E731
            await self._guarded("crm", lambda: asyncio.to_thread(follower.push, stop))

    async def crm_pull(self) -> None:
        follower = self.ctx.follower
        if follower is not None:
            await self._guarded("crm pull", lambda: asyncio.to_thread(follower.nightly, self.instance))

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Stop starting work; wait for the runs in flight (a send in progress finishes and is recorded)."""
        self._stopping = True
        running = [t for t in self._running if not t.done()]
        if running:
            await asyncio.wait(running, timeout=timeout)


def build_scheduler(runner: JobRunner) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    common: dict[str, Any] = {"replace_existing": True, "max_instances": 1, "coalesce": True}
    scheduler.add_job(
        runner.reminders,
        CronTrigger(minute="*/5", timezone=UTC),
        id="kam.reminders",
        misfire_grace_time=240,
        **common,
    )
    scheduler.add_job(
        runner.digests,
        CronTrigger(minute="*/15", timezone=UTC),
        id="kam.digests",
        misfire_grace_time=600,
        **common,
    )
    every = runner.ctx.settings.outbox_poll_seconds
    scheduler.add_job(
        runner.send,
        IntervalTrigger(seconds=every),
        id="kam.outbox",
        misfire_grace_time=max(1, int(every)),
        **common,
    )
    if runner.ctx.follower is not None:
        scheduler.add_job(
            runner.crm_push,
            IntervalTrigger(seconds=every),
            id="kam.crm",
            misfire_grace_time=max(1, int(every)),
            **common,
        )
        scheduler.add_job(
            runner.crm_pull,
            CronTrigger(hour=2, minute=0, timezone=UTC),
            id="kam.crm_pull",
            misfire_grace_time=3600,
            **common,
        )
    return scheduler


@dataclass(frozen=True)
class RunningJobs:
    """What ``start_jobs`` started: the scheduler, and the runner ``stop_jobs`` drains."""

    scheduler: AsyncIOScheduler
    runner: JobRunner


async def start_jobs(ctx: JobsContext, deliverers: Mapping[str, Deliverer]) -> RunningJobs:
    """Start the reminder and digest planners and the outbox sender on the running event loop.

    ``deliverers``: platform name -> its deliverer (the enabled platforms'). Rows for a platform
    without one are not sent here: they wait in the outbox for a process that has it.
    """
    runner = JobRunner(ctx, deliverers)
    scheduler = build_scheduler(runner)
    scheduler.start()
    log.info("jobs started as %s (delivering to: %s)", runner.instance, ", ".join(deliverers) or "nothing")
    return RunningJobs(scheduler, runner)


async def stop_jobs(jobs: RunningJobs | None) -> None:
    """Let runs in flight finish (up to ``DRAIN_SECONDS``), then shut the scheduler down."""
    if jobs is None:
        return
    scheduler = jobs.scheduler
    if scheduler.running:
        scheduler.pause()
    await jobs.runner.drain()
    if scheduler.running:
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)
