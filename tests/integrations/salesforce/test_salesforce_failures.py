"""When Salesforce refuses: a revoked credential stops the sync (admins told once, nothing lost,
resumed when fixed), an expired token is replaced, limits are waited out and reported, a
record it rejects is set aside with its reason, an interrupted create is found, not repeated."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from conftest import FrozenClock
from factories import Seed, seed_team
from fakes.salesforce_api import FakeSalesforce
from sqlalchemy import select

from kam_bot.bootstrap import App
from kam_bot.domain.crm_records import Record
from kam_bot.handlers.replies import Reply
from kam_bot.jobs.crm_port import CrmPort, CrmUnavailableError
from kam_bot.store.tables import OutboxRow

from .conftest import jobs_of
from .test_salesforce_sync import _org, _visit


def _outbox(app: App, kind: str) -> list[OutboxRow]:
    with app.uow() as uow:
        rows = list(uow.repo.session.scalars(select(OutboxRow).where(OutboxRow.kind == kind)))
        uow.repo.session.expunge_all()
        return rows


def _ready(app: App, fake: FakeSalesforce) -> Seed:
    s = seed_team(app)
    _org(fake, s)
    jobs_of(app).pull()
    return s


def test_a_revoked_credential_stops_the_sync_tells_the_admins_once_and_loses_nothing(
    crm_app: App, fake_sf: FakeSalesforce, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    s = _ready(crm_app, fake_sf)
    jobs = jobs_of(crm_app)
    fake_sf.revoke()
    crm_app.visits.log(s.rep, _visit(crm_app, s))

    first = jobs.push(lambda: False)
    clock.advance(minutes=2)
    second = jobs.push(lambda: False)

    assert first.stopped and second.stopped and fake_sf.all("Event") == []
    stopped = [r.getMessage() for r in caplog.records if "CRM sync stopped" in r.getMessage()]
    assert stopped == [
        "CRM sync stopped: salesforce refused kam-bot's credentials (invalid_client); nothing is lost, "
        "it resumes once they work again"
    ]
    (dm,) = _outbox(crm_app, "crm_stopped")
    said = Reply.model_validate(dm.payload["reply"]).plain_text()
    assert dm.user_id == s.admin.id and "refused kam-bot's credentials (invalid_client)" in said
    assert all(r.status == "pending" and r.attempts == 0 for r in _outbox(crm_app, "change"))
    status = jobs.store.status(clock())
    assert status.state.stopped_reason == "invalid_client" and status.counts["pending"] == 4

    fake_sf.revoke(False)
    clock.advance(minutes=2)
    jobs.sync._next_check = 0.0  # a minute has passed for the process too
    resumed = jobs.push(lambda: False)
    assert not resumed.stopped and resumed.pushed == 4 and len(fake_sf.all("Event")) == 1
    assert jobs.store.state().stopped_reason is None
    assert len(_outbox(crm_app, "crm_stopped")) == 1


def test_an_expired_token_is_replaced_without_anyone_noticing(crm_app: App, fake_sf: FakeSalesforce) -> None:
    s = _ready(crm_app, fake_sf)
    jobs = jobs_of(crm_app)
    fake_sf.expire_tokens()
    crm_app.visits.log(s.rep, _visit(crm_app, s, promises=[], prices=[]))
    assert jobs.push(lambda: False).pushed == 1
    assert [c for c in fake_sf.calls if c[1] == "/services/oauth2/token"][1:]  # a second token was fetched


def test_the_daily_allowance_spent_is_waited_out_and_reported(
    crm_app: App, fake_sf: FakeSalesforce, clock: FrozenClock
) -> None:
    s = _ready(crm_app, fake_sf)
    jobs = jobs_of(crm_app)
    fake_sf.daily_limit = fake_sf.used
    crm_app.visits.log(s.rep, _visit(crm_app, s, promises=[], prices=[]))

    stats = jobs.push(lambda: False)
    (row,) = _outbox(crm_app, "change")
    state = jobs.store.state()
    assert stats.rate_limited == 1 and row.status == "pending" and row.attempts == 0
    assert row.last_error == "REQUEST_LIMIT_EXCEEDED" and state.limited_reason == "REQUEST_LIMIT_EXCEEDED"
    assert state.limited_until is not None and (state.limited_until - clock()).total_seconds() == 300

    fake_sf.daily_limit += 1000
    assert jobs.push(lambda: False).pushed == 0  # not due before the wait is over
    clock.advance(seconds=301)
    jobs.sync.pause_over()  # the process's own pause (monotonic time) is over too
    assert jobs.push(lambda: False).pushed == 1


def test_a_429_is_honoured_and_every_record_lands_once(
    crm_app: App, fake_sf: FakeSalesforce, clock: FrozenClock
) -> None:
    s = _ready(crm_app, fake_sf)
    jobs = jobs_of(crm_app)
    for _ in range(3):
        crm_app.visits.log(s.rep, _visit(crm_app, s))
    fake_sf.per_second, fake_sf.retry_after = 3, 1

    limited = 0
    for _ in range(30):
        stats = jobs.push(lambda: False)
        limited += stats.rate_limited
        if all(r.status == "sent" for r in _outbox(crm_app, "change")):
            break
        clock.advance(seconds=1)
    assert [(r.status, r.last_error) for r in _outbox(crm_app, "change") if r.status != "sent"] == []
    assert limited >= 1 and fake_sf.throttled >= 1
    assert len(fake_sf.all("Event")) == 3 and len(fake_sf.all("Task")) == 6 and len(fake_sf.all("Note")) == 3


def test_a_record_salesforce_rejects_is_set_aside_with_its_reason(
    crm_app: App, fake_sf: FakeSalesforce, clock: FrozenClock
) -> None:
    s = seed_team(crm_app)  # no pull, and no such account in the org
    jobs = jobs_of(crm_app)
    crm_app.visits.log(s.rep, _visit(crm_app, s, promises=[], prices=[]))
    jobs.push(lambda: False)
    (row,) = _outbox(crm_app, "change")
    assert (
        row.status == "dead"
        and row.last_error is not None
        and row.last_error.startswith("account_not_in_crm")
    )
    errors = jobs.store.status(clock()).errors
    assert errors == [("dead", row.last_error, 1)]


class _CrashAfterCreate:
    """The port, whose first create lands in Salesforce and then loses its answer (a worker
    killed, a timeout): the deliverer cannot know the record exists."""

    def __init__(self, port: object) -> None:
        self.port = port
        self.crashed = False

    def __getattr__(self, name: str) -> object:
        return getattr(self.port, name)

    def push(self, record: Record, crm_id: str | None) -> str:
        found = self.port.push(record, crm_id)  # type: ignore[attr-defined]
        if crm_id is None and not self.crashed:
            self.crashed = True
            raise CrmUnavailableError("timeout", "read timed out")
        return str(found)


@pytest.mark.parametrize("external_ids", [True, False], ids=["external-id", "no-external-id"])
def test_an_interrupted_create_is_found_not_repeated(
    fake_sf: FakeSalesforce, make_crm_app: Callable[..., App], clock: FrozenClock, external_ids: bool
) -> None:
    fake_sf.external_ids = external_ids
    app = make_crm_app(fake_sf)
    s = _ready(app, fake_sf)
    jobs = jobs_of(app)
    jobs.sync.port = _CrashAfterCreate(jobs.port)  # type: ignore[assignment]
    app.visits.log(s.rep, _visit(app, s, promises=[], prices=[]))

    assert jobs.push(lambda: False).retried == 1
    clock.advance(seconds=5)
    stats = jobs.push(lambda: False)

    (event,) = fake_sf.all("Event")
    assert stats.pushed == 1 and stats.found == 1
    if not external_ids:
        assert event["Subject"].endswith("]") and "[kam-bot-visit-" in event["Subject"]


def test_two_workers_pushing_rows_of_one_record_create_it_once(
    crm_app: App, fake_sf: FakeSalesforce, make_crm_app: Callable[..., App], clock: FrozenClock
) -> None:
    s = _ready(crm_app, fake_sf)
    other = make_crm_app(fake_sf)
    logged = crm_app.visits.log(s.rep, _visit(crm_app, s, promises=[], prices=[]))
    for text in ("first", "second", "third"):
        crm_app.visits.edit(
            s.rep, logged.visit.id, goal_reached=None, summary=text, next_step=None, next_visit_date=None
        )
    fake_sf.latency = 0.2
    workers = [jobs_of(crm_app), jobs_of(other)]
    for i, jobs in enumerate(workers):
        jobs.sync.instance, jobs.sync.batch = f"worker-{i}", 2
    for _ in range(6):
        threads = [threading.Thread(target=j.push, args=(lambda: False,)) for j in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        clock.advance(seconds=3)
    (event,) = fake_sf.all("Event")
    assert "third" in event["Description"]
    assert all(r.status == "sent" for r in _outbox(crm_app, "change"))


class _SlowCreate:
    """The CRM's port with each create held back before it reaches the CRM (a slow network)."""

    def __init__(self, port: CrmPort, delay: float) -> None:
        self._port, self._delay = port, delay

    def __getattr__(self, name: str) -> Any:
        return getattr(self._port, name)

    def push(self, record: Record, crm_id: str | None) -> str:
        if crm_id is None:
            time.sleep(self._delay)
        return self._port.push(record, crm_id)


@pytest.mark.parametrize("external_ids", [True, False], ids=["external-id", "no-external-id"])
def test_two_rows_of_one_new_record_in_one_batch_create_it_once(
    crm_app: App, fake_sf: FakeSalesforce, clock: FrozenClock, external_ids: bool
) -> None:
    """Rows claimed together share their batch's claim; the second must wait for the first's
    create (not take it for its own, look, find nothing yet and create a second Event)."""
    fake_sf.external_ids = external_ids
    s = _ready(crm_app, fake_sf)
    logged = crm_app.visits.log(s.rep, _visit(crm_app, s, promises=[], prices=[]))
    crm_app.visits.edit(
        s.rep,
        logged.visit.id,
        goal_reached=None,
        summary="second thoughts",
        next_step=None,
        next_visit_date=None,
    )
    jobs = jobs_of(crm_app)
    jobs.sync.batch, jobs.sync.concurrency = 2, 2
    jobs.sync.port = _SlowCreate(jobs.sync.port, 0.5)
    for _ in range(3):
        print("STATS", jobs.push(lambda: False), len(fake_sf.all("Event")))
        clock.advance(seconds=60)

    (event,) = fake_sf.all("Event")
    assert "second thoughts" in event["Description"]
    assert all(r.status == "sent" for r in _outbox(crm_app, "change"))


def test_serve_schedules_the_push_and_the_nightly_pull_once(
    crm_app: App, fake_sf: FakeSalesforce, clock: FrozenClock
) -> None:
    from dataclasses import replace

    from kam_bot.jobs.runtime import JobRunner, build_scheduler

    s = _ready(crm_app, fake_sf)
    jobs = jobs_of(crm_app)
    runner = JobRunner(replace(crm_app.jobs_context, follower=jobs), {}, instance="one")
    assert {"kam.crm", "kam.crm_pull"} <= {job.id for job in build_scheduler(runner).get_jobs()}
    fake_sf.add("Account", Name="Shougang Group")
    assert jobs.nightly("one") is not None and jobs.nightly("two") is None  # one pull a night
    crm_app.visits.log(s.rep, _visit(crm_app, s, promises=[], prices=[]))
    import asyncio

    asyncio.run(runner.crm_push())
    assert len(fake_sf.all("Event")) == 1
    fake_sf.revoke()
    clock.advance(days=1)
    assert jobs.nightly("one") is None and jobs.store.state().stopped_reason == "invalid_client"
