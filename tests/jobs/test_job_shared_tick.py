"""Several processes serving the jobs share a tick's morning DMs out (``JOB_PROCESSES``).

Each process is an App on its own engine (its own connections) over the same PostgreSQL
schema, as `kam-bot serve --workers 2` runs two; a part is taken by whoever holds its name
(an advisory lock). The process that dies here is a real one, killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from functools import partial
from typing import Any, cast

import pytest
from conftest import FrozenClock, _pg_engine
from factories import add_account, add_team, add_user
from sqlalchemy import select

from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings
from kam_bot.domain import models as m
from kam_bot.domain.enums import Tier
from kam_bot.jobs import outbox, planning, scheduler
from kam_bot.jobs.scheduler import TickResult, decide_dailies, digest_tick, reminder_tick
from kam_bot.store import exclusive, slots
from kam_bot.store.engine import make_engine
from kam_bot.store.tables import JobRunRow, OutboxRow

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # Monday: everyone's 08:30 in UTC
PEOPLE = 6


@pytest.fixture
def url(_pg_schema: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The test's emptied PostgreSQL schema, as a URL and the options that select the schema."""
    for engine in _pg_engine(_pg_schema):
        plain = engine.url.render_as_string(hide_password=False).split("?", 1)[0]
        yield plain, {"connect_args": {"options": f"-csearch_path={_pg_schema}"}}


@pytest.fixture
def processes(url: tuple[str, dict[str, Any]], clock: FrozenClock) -> Iterator[list[App]]:
    """Two Apps with ``job_processes=2``, each on its own engine."""
    clock.now = NOW
    engines = [make_engine(url[0], **url[1]) for _ in range(2)]
    settings = Settings(database_url="sqlite://", job_processes=2)
    yield [bootstrap(settings, engine=e, clock=clock, check=False) for e in engines]
    for e in engines:
        e.dispose()


def populate(app: App) -> list[m.User]:
    """``PEOPLE`` reps in UTC, each with an account past its cadence: each is due a DM at 08:30."""
    people = []
    for i in range(PEOPLE):
        rep = add_user(app, f"Rep {i}", timezone="UTC", identities={"slack": f"U{i}"})
        add_account(app, f"Account {i}", rep, tier=Tier.A, created_at=NOW - timedelta(days=90))
        people.append(rep)
    assert all(p.reminder_time == time(8, 30) for p in people)
    return people


def rows(app: App) -> Counter[str]:
    with app.uow() as uow:
        return Counter(uow.repo.session.scalars(select(OutboxRow.key).where(OutboxRow.kind == "daily")))


def finished(app: App) -> bool:
    """Whether the run of ``NOW``'s slot is finished."""
    window = slots.window_after(None, scheduler.REMINDERS, NOW, scheduler.REMINDER_EVERY)
    with app.uow() as uow:
        at = uow.repo.session.scalars(select(JobRunRow.finished_at).where(JobRunRow.slot == window.name))
        return any(a is not None for a in at)


def parts(app: App) -> list[list[int]]:
    """The user ids of each part, as the tick cuts them."""
    ctx = app.jobs_context
    people, _ = ctx.store.slots.people(scheduler.REMINDERS, NOW, scheduler.REMINDER_EVERY)
    window = slots.window_after(None, scheduler.REMINDERS, NOW, scheduler.REMINDER_EVERY)
    due = planning.due_reminders([planning.Person(*p) for p in people], window.start, window.slot, None)
    return [[item.user.id for item in part] for part in scheduler._parts(due, 2)]


def part_name(n: int) -> str:
    window = slots.window_after(None, scheduler.REMINDERS, NOW, scheduler.REMINDER_EVERY)
    return f"{scheduler.REMINDERS}:{window.name}:{n}/2"


def in_threads(*calls: Callable[[], TickResult]) -> list[TickResult]:
    results: list[TickResult | None] = [None] * len(calls)

    def run(i: int) -> None:
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def meet_in_first_parts(monkeypatch: pytest.MonkeyPatch, decide_part: str) -> None:
    """Each process (thread) waits in the first part it decides until the other is in its own:
    neither can do both parts before the other has started."""
    both_in, entered = threading.Barrier(2, timeout=20), threading.local()
    decide = getattr(scheduler, decide_part)

    def meeting(*args: Any) -> tuple[int, int]:
        if not getattr(entered, "once", False):
            entered.once = True
            both_in.wait()
        return cast(tuple[int, int], decide(*args))

    monkeypatch.setattr(scheduler, decide_part, meeting)


def owner_and_helper(results: list[TickResult]) -> tuple[TickResult, TickResult]:
    """The tick that claimed the slot, and the one that helped."""
    return next(r for r in results if r.claimed), next(r for r in results if not r.claimed)


def test_two_processes_ticking_together_each_decide_a_part(
    processes: list[App], monkeypatch: pytest.MonkeyPatch
) -> None:
    people = populate(processes[0])
    meet_in_first_parts(monkeypatch, "_batches")
    ticks = [partial(reminder_tick, app.jobs_context, NOW, f"p{n}") for n, app in enumerate(processes)]
    owner, helper = owner_and_helper(in_threads(*ticks))
    assert helper.helped and (owner.queued, helper.queued) == (PEOPLE // 2, PEOPLE // 2)
    assert owner.failed == helper.failed == 0
    assert rows(processes[0]) == {outbox.daily_key(p.id, NOW.date()): 1 for p in people}
    assert finished(processes[0])


def test_two_processes_ticking_together_each_decide_half_of_the_digests(
    processes: list[App], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = processes[0]
    teams = [
        add_team(app, f"Team {i}", digest_destinations={"slack": f"C{i}"}, timezone="UTC") for i in range(4)
    ]
    for i, team in enumerate(teams):
        add_user(app, f"Rep {i}", team=team, timezone="UTC", identities={"slack": f"U{i}"})
    meet_in_first_parts(monkeypatch, "_digest_part")
    monday_nine = NOW.replace(hour=9, minute=0)
    ticks = [partial(digest_tick, a.jobs_context, monday_nine, f"p{n}") for n, a in enumerate(processes)]
    owner, helper = owner_and_helper(in_threads(*ticks))
    assert helper.helped and (owner.queued, helper.queued) == (2, 2)
    with app.uow() as uow:
        keys = Counter(uow.repo.session.scalars(select(OutboxRow.key).where(OutboxRow.kind == "digest")))
    assert sorted(keys.values()) == [1, 1, 1, 1] and {k.split(":")[1] for k in keys} == {
        f"t{t.id}" for t in teams
    }


def test_a_part_whose_process_is_killed_is_decided_by_the_owner_of_the_slot(
    processes: list[App], url: tuple[str, dict[str, Any]]
) -> None:
    """The other process took part 2, committed one of its DMs and was killed (SIGKILL): the owner
    waits for the part, takes it when the dead process's connection goes, and writes the rest."""
    populate(processes[0])
    first, second = parts(processes[0])
    assert decide_dailies(processes[1].jobs_context, [(second[0], NOW.date())], NOW) == (1, 0)
    holder = _hold(url, part_name(2))
    try:
        owner = threading.Thread(
            target=lambda: results.append(reminder_tick(processes[0].jobs_context, NOW, "o"))
        )
        results: list[TickResult] = []
        owner.start()
        _wait_for(lambda: len(rows(processes[0])) == 1 + len(first))  # part 1 done, part 2 awaited
        assert owner.is_alive() and not finished(processes[0])
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
    owner.join(30)
    assert results and results[0].claimed
    assert (results[0].queued, results[0].failed) == (PEOPLE - 1, 0)
    assert rows(processes[0]) == {outbox.daily_key(u, NOW.date()): 1 for u in first + second}
    assert finished(processes[0])


def test_a_part_held_past_the_wait_fails_and_the_next_tick_decides_it(
    processes: list[App], url: tuple[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(processes[0])
    first, second = parts(processes[0])
    store = processes[0].jobs_context.store.slots
    before = slots.window_after(
        None, scheduler.REMINDERS, NOW - scheduler.REMINDER_EVERY, scheduler.REMINDER_EVERY
    )
    assert store.claim(before, "o", NOW)  # the slot before, finished: a later tick starts after it
    store.finish(before, NOW)
    monkeypatch.setattr(exclusive, "WAIT", "200ms")
    with exclusive.exclusive(make_engine(url[0], **url[1]), part_name(2), wait=False) as held:
        assert held
        result = reminder_tick(processes[0].jobs_context, NOW, "o")
    assert (result.claimed, result.queued, result.failed) == (True, len(first), len(second))
    assert not finished(processes[0])  # so the next tick's window covers the slot again
    later = NOW + scheduler.REMINDER_EVERY
    again = reminder_tick(processes[0].jobs_context, later, "o")
    assert (again.queued, again.failed) == (len(second), 0)
    assert rows(processes[0]) == {outbox.daily_key(u, NOW.date()): 1 for u in first + second}


def test_a_name_is_held_by_one_holder_at_a_time(url: tuple[str, dict[str, Any]]) -> None:
    engines = [make_engine(url[0], **url[1]) for _ in range(2)]
    try:
        with exclusive.exclusive(engines[0], "n", wait=False) as first:
            with exclusive.exclusive(engines[1], "n", wait=False) as second:
                assert (first, second) == (True, False)
            with exclusive.exclusive(engines[1], "other", wait=False) as other:
                assert other
        with exclusive.exclusive(engines[1], "n", wait=True) as after:
            assert after  # released on leaving
    finally:
        for e in engines:
            e.dispose()


def _hold(url: tuple[str, dict[str, Any]], name: str) -> subprocess.Popen[str]:
    """Another process holding ``name`` until it is killed."""
    script = (
        "import sys, time\n"
        "from kam_bot.store.engine import make_engine\n"
        "from kam_bot.store.exclusive import exclusive\n"
        f"engine = make_engine({url[0]!r}, **{url[1]!r})\n"
        f"with exclusive(engine, {name!r}, wait=False) as held:\n"
        "    print('held' if held else 'refused', flush=True)\n"
        "    time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def _wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = datetime.now(UTC) + timedelta(seconds=seconds)
    while not condition():
        assert datetime.now(UTC) < deadline, "timed out"
        threading.Event().wait(0.05)
