"""`start_jobs` / `stop_jobs`: the APScheduler jobs `kam-bot serve` runs, and a clean stop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from conftest import FrozenClock
from factories import add_account, add_user
from fakes.slack_api import FakeSlack
from jobs_harness import slack_fixture, slack_server_fixture  # noqa: F401
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine, select

from kam_bot.adapters.slack.outbox_delivery import SlackDeliverer
from kam_bot.bootstrap import App
from kam_bot.domain.enums import Tier
from kam_bot.jobs.delivery import Checkpoint, Outgoing
from kam_bot.jobs.runtime import JobRunner, start_jobs, stop_jobs
from kam_bot.store.tables import OutboxRow


@pytest.fixture
def app(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> App:
    """SQLite only: the scheduler wiring is not about the database."""
    return make_app(sqlite_engine)


async def test_start_registers_three_jobs_with_stable_ids_and_stop_ends_them(
    app: App, slack: FakeSlack
) -> None:
    client = AsyncWebClient(token="xoxb-t", base_url=slack.api_url)
    running = await start_jobs(app.jobs_context, {"slack": SlackDeliverer(client)})
    scheduler = running.scheduler
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"kam.reminders", "kam.digests", "kam.outbox"}
        assert str(jobs["kam.reminders"].trigger) == "cron[minute='*/5']"
        assert str(jobs["kam.digests"].trigger) == "cron[minute='*/15']"
        assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())
        assert scheduler.running
    finally:
        await stop_jobs(running)
    await asyncio.sleep(0.01)
    assert not scheduler.running


async def test_without_a_deliverer_nothing_is_sent_and_nothing_is_lost(app: App, clock: FrozenClock) -> None:
    rep = add_user(app, "Rita Rep", identities={"slack": "URITA"})
    add_account(app, "Stale Co", rep, tier=Tier.A, created_at=clock.now - timedelta(days=60))
    clock.now = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    runner = JobRunner(app.jobs_context, {})
    await runner.reminders()
    await runner.send()
    with app.uow() as uow:
        assert uow.repo.session.scalars(select(OutboxRow.status)).all() == ["pending"]


class Slow:
    """A delivery that is in flight from ``started`` until the test sets ``release``."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    @property
    def platform(self) -> str:
        return "slack"

    async def deliver(self, message: Outgoing, checkpoint: Checkpoint) -> str | None:
        self.started.set()
        await self.release.wait()
        self.sent.append(message.recipient)
        return "C:1"


async def test_stopping_lets_a_send_in_flight_finish_and_starts_nothing_new(
    app: App, clock: FrozenClock
) -> None:
    rep = add_user(app, "Rita Rep", identities={"slack": "URITA"})
    add_account(app, "Stale Co", rep, tier=Tier.A, created_at=clock.now - timedelta(days=60))
    clock.now = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    slow = Slow()
    runner = JobRunner(app.jobs_context, {"slack": slow})
    await runner.reminders()
    sending = asyncio.create_task(runner.send())
    await slow.started.wait()  # a send is in flight
    assert not sending.done()
    draining = asyncio.create_task(runner.drain(timeout=5))
    # the drain task was scheduled before the delivery's wake-up: it stops new work and waits
    slow.release.set()
    await draining
    assert sending.done() and slow.sent == ["URITA"]
    with app.uow() as uow:
        assert uow.repo.session.scalars(select(OutboxRow.status)).all() == ["sent"]
    clock.now += timedelta(days=1)
    await runner.reminders()  # stopped: no new run starts
    with app.uow() as uow:
        assert len(uow.repo.session.scalars(select(OutboxRow.id)).all()) == 1
