"""When HubSpot refuses: a revoked or expired token stops the sync (admins told once, nothing
lost, resumed when fixed), the ten-second and daily limits are waited out as Retry-After says
and reported, a record it rejects is set aside with its reason, an interrupted create is found,
not repeated, and two workers create a record once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from conftest import FrozenClock
from factories import Seed, seed_team
from fakes.hubspot_api import FakeHubSpot
from sqlalchemy import select

from kam_bot.bootstrap import App
from kam_bot.domain.crm_records import Record
from kam_bot.handlers.replies import Reply
from kam_bot.jobs.crm import CrmJobs
from kam_bot.jobs.crm_port import CrmUnavailableError
from kam_bot.store.tables import OutboxRow

from .conftest import jobs_of
from .test_hubspot_sync import portal, visit_input


def outbox(app: App, kind: str) -> list[OutboxRow]:
    with app.uow() as uow:
        found = list(uow.repo.session.scalars(select(OutboxRow).where(OutboxRow.kind == kind)))
        uow.repo.session.expunge_all()
        return found


def pause_over(jobs: CrmJobs) -> None:
    """The process's own pause after a 429 (monotonic time, not the test's clock) is over, and
    its pace starts afresh (the rows still wait for their Retry-After in the test's clock)."""
    jobs.sync.pause_over()


def ready(app: App, fake: FakeHubSpot) -> Seed:
    s = seed_team(app)
    portal(fake, s)
    jobs_of(app).pull()
    return s


@pytest.mark.parametrize("refusal", ["revoke", "expire"])
def test_a_revoked_or_expired_token_stops_the_sync_tells_the_admins_once_and_loses_nothing(
    crm_app: App, fake_hs: FakeHubSpot, clock: FrozenClock, caplog: pytest.LogCaptureFixture, refusal: str
) -> None:
    s = ready(crm_app, fake_hs)
    jobs = jobs_of(crm_app)
    getattr(fake_hs, refusal)()
    crm_app.visits.log(s.rep, visit_input(crm_app, s))
    reason = "INVALID_AUTHENTICATION" if refusal == "revoke" else "EXPIRED_AUTHENTICATION"

    first = jobs.push(lambda: False)
    clock.advance(minutes=2)
    second = jobs.push(lambda: False)

    assert first.stopped and second.stopped and fake_hs.all("meetings") == []
    stopped = [r.getMessage() for r in caplog.records if "CRM sync stopped" in r.getMessage()]
    assert stopped == [  # one line, however many rows met the refusal at once
        f"CRM sync stopped: hubspot refused kam-bot's credentials ({reason}); nothing is lost, "
        "it resumes once they work again"
    ]
    (dm,) = outbox(crm_app, "crm_stopped")
    said = Reply.model_validate(dm.payload["reply"]).plain_text()
    assert dm.user_id == s.admin.id and f"refused kam-bot's credentials ({reason})" in said
    assert all(r.status == "pending" and r.attempts == 0 for r in outbox(crm_app, "change"))
    status = jobs.store.status(clock())
    assert status.state.stopped_reason == reason and status.counts["pending"] == 4

    fake_hs.restore()  # a new token in the same portal, or the app re-authorised
    clock.advance(minutes=2)
    jobs.sync._next_check = 0.0  # a minute has passed for the process too
    resumed = jobs.push(lambda: False)
    assert not resumed.stopped and resumed.pushed == 4 and len(fake_hs.all("meetings")) == 1
    assert jobs.store.state().stopped_reason is None
    assert len(outbox(crm_app, "crm_stopped")) == 1


def test_a_429_waits_as_long_as_retry_after_says_then_lands_once(
    crm_app: App, fake_hs: FakeHubSpot, clock: FrozenClock
) -> None:
    s = ready(crm_app, fake_hs)
    jobs = jobs_of(crm_app)
    crm_app.visits.log(s.rep, visit_input(crm_app, s, promises=[], prices=[]))
    fake_hs.rate_limit_next(retry_after=7, match="/crm/v3/objects/meetings")

    limited = jobs.push(lambda: False)
    (row,) = outbox(crm_app, "change")
    assert limited.rate_limited == 1 and row.status == "pending" and row.attempts == 0
    assert row.last_error == "TEN_SECONDLY_ROLLING"
    state = jobs.store.state()
    assert state.limited_reason == "TEN_SECONDLY_ROLLING"
    assert state.limited_until is not None and (state.limited_until - clock()).total_seconds() == 7

    pause_over(jobs)  # the row itself still waits for Retry-After
    clock.advance(seconds=6)
    assert jobs.push(lambda: False).pushed == 0
    clock.advance(seconds=1)
    assert jobs.push(lambda: False).pushed == 1
    assert len(fake_hs.all("meetings")) == 1


def test_the_daily_limit_spent_is_waited_out_until_midnight_utc_and_reported(
    crm_app: App, fake_hs: FakeHubSpot, clock: FrozenClock
) -> None:
    s = ready(crm_app, fake_hs)
    jobs = jobs_of(crm_app)
    fake_hs.daily = fake_hs.counted()  # the portal's calls for today are used up
    crm_app.visits.log(s.rep, visit_input(crm_app, s, promises=[], prices=[]))

    stats = jobs.push(lambda: False)
    (row,) = outbox(crm_app, "change")
    state = jobs.store.state()
    assert stats.rate_limited == 1 and row.status == "pending" and row.attempts == 0
    assert row.last_error == "DAILY" and state.limited_reason == "DAILY"
    assert state.limited_until == datetime(2026, 11, 24, tzinfo=UTC)

    clock.advance(hours=14, seconds=1)  # a new day in HubSpot's count too
    pause_over(jobs)
    assert jobs.push(lambda: False).pushed == 1


def test_the_ten_second_limit_under_load_every_record_lands_once(
    crm_app: App, fake_hs: FakeHubSpot, clock: FrozenClock
) -> None:
    s = ready(crm_app, fake_hs)
    jobs = jobs_of(crm_app)
    for _ in range(3):
        crm_app.visits.log(s.rep, visit_input(crm_app, s))
    fake_hs.per_ten_seconds = 5

    limited = 0
    for _ in range(60):
        stats = jobs.push(lambda: False)
        limited += stats.rate_limited
        if all(r.status == "sent" for r in outbox(crm_app, "change")):
            break
        clock.advance(seconds=2)
        pause_over(jobs)
    assert [(r.status, r.last_error) for r in outbox(crm_app, "change") if r.status != "sent"] == []
    assert limited >= 1 and fake_hs.rate_limited >= 1
    assert (len(fake_hs.all("meetings")), len(fake_hs.all("tasks")), len(fake_hs.all("notes"))) == (3, 6, 3)


def test_a_record_hubspot_rejects_is_set_aside_with_its_reason(
    crm_app: App, fake_hs: FakeHubSpot, clock: FrozenClock
) -> None:
    s = seed_team(crm_app)  # no pull, and no such company in the portal
    jobs = jobs_of(crm_app)
    crm_app.visits.log(s.rep, visit_input(crm_app, s, promises=[], prices=[]))
    jobs.push(lambda: False)
    (row,) = outbox(crm_app, "change")
    assert (
        row.status == "dead"
        and row.last_error is not None
        and row.last_error.startswith("account_not_in_crm")
    )
    assert jobs.store.status(clock()).errors == [("dead", row.last_error, 1)]


class CrashAfterCreate:
    """The port, whose first create lands in HubSpot and then loses its answer (a worker killed,
    a timeout): the deliverer cannot know the record exists."""

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


@pytest.mark.parametrize("id_property", [None, "unique", "plain"])
def test_an_interrupted_create_is_found_not_repeated(
    fake_hs: FakeHubSpot, make_crm_app: Callable[..., App], clock: FrozenClock, id_property: str | None
) -> None:
    if id_property:
        fake_hs.define_property("meetings", "kam_bot_id", unique=id_property == "unique")
    app = make_crm_app(fake_hs)
    s = ready(app, fake_hs)
    jobs = jobs_of(app)
    jobs.sync.port = CrashAfterCreate(jobs.port)  # type: ignore[assignment]
    app.visits.log(s.rep, visit_input(app, s, promises=[], prices=[]))

    assert jobs.push(lambda: False).retried == 1
    clock.advance(seconds=5)
    stats = jobs.push(lambda: False)

    (meeting,) = fake_hs.all("meetings")
    assert stats.pushed == 1 and stats.found == 1
    if not id_property:
        assert meeting.properties["hs_meeting_body"].endswith("]")


def test_two_workers_pushing_rows_of_one_record_create_it_once(
    crm_app: App, fake_hs: FakeHubSpot, make_crm_app: Callable[..., App], clock: FrozenClock
) -> None:
    s = ready(crm_app, fake_hs)
    other = make_crm_app(fake_hs)
    logged = crm_app.visits.log(s.rep, visit_input(crm_app, s, promises=[], prices=[]))
    for text in ("first", "second", "third"):
        crm_app.visits.edit(
            s.rep, logged.visit.id, goal_reached=None, summary=text, next_step=None, next_visit_date=None
        )
    fake_hs.latency = 0.2
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
    (meeting,) = fake_hs.all("meetings")
    assert "third" in meeting.properties["hs_meeting_body"]
    assert all(r.status == "sent" for r in outbox(crm_app, "change"))
