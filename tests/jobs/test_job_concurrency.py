"""Three `kam-bot serve` processes on one database: every message decided once and sent once.

Each "instance" is its own App on its own engine (its own connection pool), with its own
Sender, all against the same FakeSlack; their planner ticks run in parallel threads and their
senders concurrently on the event loop, as three processes would.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from conftest import FrozenClock
from factories import add_account, add_team, add_user
from fakes.slack_api import FakeSlack
from jobs_harness import slack_fixture, slack_server_fixture  # noqa: F401
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine, select, text

from kam_bot.adapters.slack.outbox_delivery import SlackDeliverer
from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings
from kam_bot.domain import models as m
from kam_bot.domain.enums import Locale, Tier
from kam_bot.handlers.replies import Line
from kam_bot.jobs import outbox, planning
from kam_bot.jobs.notifications import Notification, Part
from kam_bot.jobs.scheduler import decide_daily, digest_tick, reminder_tick
from kam_bot.jobs.sender import Sender
from kam_bot.store import outbox as store_outbox
from kam_bot.store.engine import make_engine
from kam_bot.store.tables import OutboxRow

ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]


@pytest.fixture
def instances(engine: Engine, clock: FrozenClock) -> Iterator[list[App]]:
    """Three Apps, each on its own engine over the same database (on PostgreSQL, the test's schema)."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        url, options = url.split("?", 1)[0], {"connect_args": {"options": f"-csearch_path={schema}"}}
    else:
        options = {}
    engines = [make_engine(url, **options) for _ in range(3)]
    yield [bootstrap(Settings(database_url="sqlite://"), engine=e, clock=clock, check=False) for e in engines]
    for e in engines:
        e.dispose()


def populate(app: App, reps_per_zone: int = 3) -> list[m.User]:
    people = []
    for z, zone in enumerate(ZONES):
        team = add_team(app, f"Team {zone}", digest_destinations={"slack": f"C{z}"}, timezone=zone)
        for i in range(reps_per_zone):
            rep = add_user(app, f"Rep {z}-{i}", team=team, timezone=zone, identities={"slack": f"U{z}{i}"})
            add_account(
                app, f"Account {z}-{i}", rep, tier=Tier.A, created_at=app.clock() - timedelta(days=90)
            )
            people.append(rep)
    return people


def expected_dms(people: list[m.User], start: datetime, end: datetime) -> set[tuple[str, date]]:
    """Working days whose local 08:30 falls in the range (checked below against the zones by hand)."""
    out = set()
    for p in people:
        day = start.date() - timedelta(days=1)
        while day <= end.date():
            if day.weekday() < 5 and start <= planning.moment(day, p.reminder_time, p.timezone) < end:
                out.add((p.identities["slack"], day))
            day += timedelta(days=1)
    return out


async def test_three_instances_decide_and_send_each_message_once(
    engine: Engine, instances: list[App], clock: FrozenClock, slack: FakeSlack
) -> None:
    start = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # Sunday noon UTC
    end = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    clock.now = start
    people = populate(instances[0])
    senders = [
        Sender(
            app.jobs_context,
            {"slack": SlackDeliverer(AsyncWebClient(token="xoxb-t", base_url=slack.api_url))},
            instance=f"i{n}",
            batch=2,
        )
        for n, app in enumerate(instances)
    ]
    claims = Counter[bool]()
    now = start
    while now < end:
        clock.now = now + timedelta(seconds=1)
        ticks = [
            asyncio.to_thread(reminder_tick, app.jobs_context, now, f"i{n}")
            for n, app in enumerate(instances)
        ]
        ticks += [
            asyncio.to_thread(digest_tick, app.jobs_context, now, f"i{n}") for n, app in enumerate(instances)
        ]
        results = await asyncio.gather(*ticks)
        claims.update(r.claimed for r in results if r.due)
        if any(r.queued for r in results):
            await asyncio.gather(*(s.run_once() for s in senders))
        now += timedelta(minutes=5)

    posts = slack.calls_to("chat.postMessage")
    dm_calls = Counter(c.args["channel"] for c in posts if c.args["channel"].startswith("U"))
    expected = expected_dms(people, start, end)
    assert len(expected) == 3 * 2 + 3 * 2 + 3 * 1 + 3 * 2  # Shanghai, Berlin, New York (Mon), Kolkata
    assert sum(dm_calls.values()) == len(expected)
    assert dm_calls == Counter(slack_id for slack_id, _ in expected)  # each DM once, none lost
    digests = Counter(c.args["channel"] for c in posts if c.args["channel"].startswith("C"))
    assert digests == {f"C{z}": 1 for z in range(len(ZONES))}  # one Monday in the range
    assert len(slack.calls_to("files.completeUploadExternal")) == len(ZONES)
    assert claims[True] > 0  # the slots were worked, each by one instance only (below)
    with instances[0].uow() as uow:
        statuses = Counter(uow.repo.session.scalars(select(OutboxRow.status)))
    assert statuses == {"sent": len(expected) + len(ZONES)}


def test_deciding_the_same_message_at_once_writes_it_once(instances: list[App], clock: FrozenClock) -> None:
    (rep, *_) = populate(instances[0], reps_per_zone=1)
    barrier = threading.Barrier(len(instances) * 3)
    results: list[bool] = []
    lock = threading.Lock()

    def decide(app: App) -> None:
        barrier.wait()
        wrote = decide_daily(app.jobs_context, rep.id, clock.now.date(), clock.now)
        with lock:
            results.append(wrote)

    threads = [threading.Thread(target=decide, args=(app,)) for app in instances for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 8 + [True]


def test_concurrent_claims_never_overlap(instances: list[App], clock: FrozenClock) -> None:
    now = clock.now
    note = Notification(
        kind="daily", locale=Locale.EN, today=now.date(), title="x", parts=[Part(lines=[Line.of("y")])]
    )
    with instances[0].uow() as uow:
        for n in range(40):
            store_outbox.enqueue(
                uow.repo.session,
                outbox.NewMessage(f"k{n}", "daily", "slack", f"U{n}", outbox.payload(note, None)),
                now,
            )
        uow.commit()
    senders = [
        Sender(app.jobs_context, {"slack": _Never()}, instance=f"s{n}", batch=3)
        for n, app in enumerate(instances)
    ]
    claimed: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(senders) * 2)

    def grab(sender: Sender) -> None:
        barrier.wait()
        while batch := sender.claim(now):
            with lock:
                claimed.extend(item.id for item in batch)

    threads = [threading.Thread(target=grab, args=(s,)) for s in senders for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claimed) == len(set(claimed)) == 40


class _Never:
    @property
    def platform(self) -> str:
        return "slack"

    async def deliver(self, message: Any, checkpoint: Any) -> str | None:
        raise AssertionError("not called")


def test_the_reminder_moment_of_every_zone_is_its_local_half_past_eight() -> None:
    for zone in ZONES:
        moment = planning.moment(date(2026, 11, 23), time(8, 30), zone)
        assert moment.astimezone(planning.zone(zone)).time() == time(8, 30)
